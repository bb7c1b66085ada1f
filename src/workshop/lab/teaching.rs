//! What each scenario teaches: what goes wrong and the fix, and what openssl reports for the
//! same files.

use super::*;

impl LabScenario {
    /// What goes wrong, and the fix, in one line each.
    pub fn explanation(self) -> (&'static str, &'static str) {
        match self {
            LabScenario::GoodRun => (
                "B presents the certificate C signed; each side checks the other's chain up to C's CA.",
                "Nothing to fix.",
            ),
            LabScenario::GoodRunTls12 => (
                "The same proof over TLS 1.2: the certificates and CertificateVerify travel in the clear.",
                "Nothing to fix; prefer TLS 1.3, which encrypts the certificates.",
            ),
            LabScenario::NoClientCertificate => (
                "C asks for a certificate (-Verify) and B sends an empty Certificate message.",
                "Configure the client with its certificate and key (-cert, -key).",
            ),
            LabScenario::ClientRootAsCertificate => (
                "B presents its own root CA certificate. rustls refuses any CA certificate (CA:TRUE) as an end entity (CaUsedAsEndEntity); openssl does not mind that, but B's root is self-signed and C does not trust it (self-signed certificate).",
                "Present the leaf certificate C signed, not a CA certificate.",
            ),
            LabScenario::UntrustedClientCa => (
                "The certificate chains to B's root, which is not in C's trust store.",
                "Have C sign B's CSR, or add B's CA chain to C's -CAfile (the federated model).",
            ),
            LabScenario::ExpiredClientCertificate => (
                "The certificate's notAfter is in the past.",
                "Issue a new certificate; watch expiry dates.",
            ),
            LabScenario::NotYetValidClientCertificate => (
                "The certificate's notBefore is in the future: a wrong clock on the CA or the server.",
                "Fix the clock, or wait until the certificate becomes valid.",
            ),
            LabScenario::ServerCertificateAsClient => (
                "C's server certificate has extendedKeyUsage serverAuth only; a client certificate needs clientAuth.",
                "Use a certificate issued with the v3_client profile (extendedKeyUsage = clientAuth).",
            ),
            LabScenario::WrongServerName => (
                "B checks the server's name against its SANs, and this name is not among them.",
                "Connect to a name in the SANs, or reissue the server certificate with that name.",
            ),
            LabScenario::MissingIntermediate => (
                "C trusts B's root only; B sends its leaf without the intermediate that signed it, so nothing links the leaf to that root.",
                "Have the client send its intermediate after its leaf (s_client -cert_chain, curl with the intermediate appended to --cert), or give C the intermediate too.",
            ),
            LabScenario::IssuedByNonCa => (
                "The signer is C's server certificate, whose basicConstraints say CA:FALSE.",
                "Only a CA (CA:TRUE, keyCertSign) may sign certificates.",
            ),
            LabScenario::PathLengthExceeded => (
                "C's intermediate has pathlen:0, so no CA may sit below it; this chain has one. C trusts only its root here.",
                "Sign leaves directly with the intermediate, or raise pathlen where a deeper tree is meant.",
            ),
            LabScenario::MismatchedKey => (
                "B signs CertificateVerify with another private key of the same type as its certificate's (its root CA's, when that is one); C's check of that signature fails.",
                "Pair the certificate with its own key (openssl x509 -noout -pubkey vs pkey -pubout).",
            ),
            LabScenario::FederatedGoodRun => (
                "B issues its own client certificate; C trusts B's CA chain and B trusts C's.",
                "Nothing to fix: the peers exchanged CA chains instead of signing each other's CSRs.",
            ),
            LabScenario::RevokedClientCertificate => (
                "C checks B's certificate against the CRL of the CA that issued it (s_server -crl_check; rustls with only_check_end_entity_revocation), and that CRL lists its serial number, revoked for keyCompromise.",
                "The key is compromised: give B a new key and have C issue a certificate for it, which gets a new serial number, not on the CRL.",
            ),
            LabScenario::ExpiredCrl => (
                "C enforces the CRL's nextUpdate (openssl always does; rustls with enforce_revocation_expiration). Its CRL was published 10 days ago with a nextUpdate 7 days later, so it vouches for no certificate now: B's good one is refused too.",
                "Publish a new CRL before nextUpdate (run openssl ca -gencrl again within -crldays) and give it to C each time.",
            ),
            LabScenario::NoCrlForIntermediate => (
                "Two policies. End entity only (s_server -crl_check; rustls with only_check_end_entity_revocation) needs just the CRL of the CA that issued B's certificate. The whole chain (s_server -crl_check_all; rustls's default once it holds CRLs) needs one from every CA above too: here C's root's, which speaks for C's intermediate. C checks the whole chain and holds only the intermediate's CRL, so the intermediate's status is unknown. nginx checks the whole chain once ssl_crl gives it CRLs (it sets X509_V_FLAG_CRL_CHECK and X509_V_FLAG_CRL_CHECK_ALL), so its ssl_crl file needs a CRL from every CA in the chain.",
                "Give C the CRL of every CA in the chain, the root's too, and publish each again before its nextUpdate; or check the end entity only.",
            ),
            LabScenario::OptionalWithoutCertificate => (
                "C asks for a certificate without requiring one (s_server -verify, lowercase; nginx ssl_verify_client optional; rustls's allow_unauthenticated). B sends an empty Certificate message and C completes the handshake with no client identity: C's application sees an anonymous client and must decide what it may do.",
                "Nothing to fix where anonymous clients are meant to be served; else require a certificate (s_server -Verify, nginx ssl_verify_client on). nginx tells the application in $ssl_client_verify, NONE here.",
            ),
            LabScenario::OptionalWithCertificate => (
                "The same optional setting, and B sends the certificate C signed. C verifies it as strictly as when one is required (a certificate that fails is still refused) and its application sees B's subject.",
                "Nothing to fix: the application reads the verified identity (nginx: $ssl_client_verify is SUCCESS and $ssl_client_s_dn holds the subject).",
            ),
            LabScenario::ClientPicksByCaNames => (
                "C's CertificateRequest names the CAs it trusts (certificate_authorities: the subjects of C's trust store, shown in the decoded message). B's certificate comes from B's own CA, which is not named. A client that chooses its certificate by those names, as browsers, Go's crypto/tls and Java's default key manager do, and as the lab's rustls client does here through its certificate resolver, then sends an empty Certificate message, and C refuses it for sending none. A client that sends its certificate regardless (openssl s_client, curl, rustls's default) reaches C and is refused as untrusted, as in the row \"A client certificate from B's own CA\". A browser offers the user only certificates that chain to a named CA; a server that sends an empty list lets it offer every certificate it holds.",
                "Name the client's CA: put it in C's trust store (the federated model) or have C sign B's CSR. s_client prints the names C sends under \"Acceptable client certificate CA names\".",
            ),
            LabScenario::ServerOnlyEkuOnIntermediate => (
                "B's certificate allows clientAuth, but the intermediate CA that signed it has an extendedKeyUsage of serverAuth only. RFC 5280 defines the extension for end entities, yet rustls (webpki), openssl and Go read it on a CA as a limit on what that CA may issue for, and browsers do the same for server certificates: nothing below this CA is good for client authentication. C trusts only its root here, so the intermediate is checked as part of the chain.",
                "Issue client certificates from a CA whose extendedKeyUsage includes clientAuth or that has none (the seed's intermediate has none).",
            ),
            LabScenario::LeafOnlyCHoldsIntermediate => (
                "B sends only its leaf, without C's intermediate that signed it. C's trust store is the seed's chain file, which holds that intermediate, so C finds the leaf's issuer there and completes the chain itself.",
                "Nothing to fix: a server that holds the intermediate accepts a bare leaf.",
            ),
            LabScenario::LeafOnlyCHoldsRootOnly => (
                "The same bare leaf, and C trusts only its root: nothing links the leaf to it, as the intermediate is neither sent nor held. A browser sends the intermediates it finds in its certificate store with the leaf, and the leaf alone when it finds none, which is the usual reason a client certificate works with curl, given a file holding the chain, and fails from a browser.",
                "Give C the intermediate (s_server's -CAfile, nginx's ssl_client_certificate holding intermediate and root), or have the client send it: import the .p12 with its chain, or append the intermediate to curl's --cert file.",
            ),
            LabScenario::NameConstraintPermitted => (
                "B runs its own CA, and C does not trust it outright: C's root signed a certificate for B's CA (B's CA's name and key) whose nameConstraints permit DNS names in client-b.local only, and C trusts only its own root. B's certificate names DNS:client-b.local in its subjectAltName, inside that subtree, so the chain B → B's CA, certified by C → C's root holds.",
                "Nothing to fix. A dNSName constraint of client-b.local permits that name and every name below it (RFC 5280, 4.2.1.10); openssl reads .client-b.local, with a leading dot, as the names below it only.",
            ),
            LabScenario::NameConstraintViolated => (
                "The same cross-certified CA issues a certificate for DNS:other.example, outside client-b.local. Every signature is good, but the constraint C put on B's CA forbids the name, so C refuses it: this is how C keeps a partner's CA from issuing for names the partner does not own.",
                "Issue the client certificate for a name in client-b.local, or have C certify B's CA for the names it needs.",
            ),
            LabScenario::DeepChain => (
                "B's certificate sits three CAs below C's root (C's root → Tier 1 → Tier 2 → Tier 3 → B), one more than a depth of 2 allows. The seed's -Verify 2 does not limit it: s_server keeps that number for its own verify callback, which uses it only once a certificate has already failed, so openssl accepts the chain. The limit is -verify_depth 2 (openssl's SSL_CTX_set_verify_depth), which refuses it with verify error 22, certificate chain too long; nginx's ssl_verify_depth sets that same limit, so the page's nginx block, with ssl_verify_depth 2, refuses it too. rustls has no depth setting: webpki accepts up to six CAs between the certificate and its trust anchor and bounds its work instead.",
                "To cap the depth with openssl, add -verify_depth to s_server (nginx: ssl_verify_depth); to accept deeper chains, raise it to the depth you issue (3 here). Shallow hierarchies are easier to run.",
            ),
        }
    }

    /// Where rustls and openssl differ on this row, said plainly.
    pub fn openssl_note(self) -> Option<&'static str> {
        match self {
            LabScenario::MissingIntermediate => Some(
                "In the seed's own setup this cannot fail: the only intermediate is C's, and C holds it in \
                 client_c_ca_chain.crt, its -CAfile, so both rustls and openssl complete B's chain even if B \
                 sends its leaf alone. The gap shows only with an intermediate C does not hold, as here in the \
                 federated model, where both refuse.",
            ),
            LabScenario::PathLengthExceeded => Some(
                "With the seed's chain file as C's trust store, rustls takes the intermediate itself as a trust anchor \
                 and never applies its pathlen, so it accepts; openssl still checks it and refuses. The lab has C \
                 trust only its root, where both refuse.",
            ),
            LabScenario::ExpiredCrl => Some(
                "The two send different alerts for it: rustls sends 48 (unknown_ca), as for a certificate \
                 whose revocation status is unknown; openssl 3.0 sends 45 (certificate_expired).",
            ),
            LabScenario::NoCrlForIntermediate => Some(
                "With the seed's chain file as C's trust store, rustls takes the intermediate itself as a trust \
                 anchor, and it checks no anchor's revocation, so it accepts; openssl builds the chain up to the \
                 root and refuses. The lab has C trust only its root, where both refuse. s_server's -CRL reads \
                 only the first CRL of its file; to give it the root's CRL too, append the CRLs to its -CAfile, \
                 which reads them all.",
            ),
            LabScenario::MismatchedKey => Some(
                "openssl s_client will not start with this pair: it prints \"error setting private key\" and \
                 \"key values mismatch\", as rustls refuses unless told to skip the check. The lab skips it so \
                 that C judges the signature; openssl s_server, given the same connection, refuses it too \
                 (\"bad signature\", alert 51 decrypt_error).",
            ),
            LabScenario::ClientPicksByCaNames => Some(
                "openssl s_client does not choose: it sends B's certificate whatever C names, so s_server \
                 refuses it as untrusted (verify error 20) where the choosing client is refused for sending \
                 none. Both are refused by C. s_client prints the names C sent under \"Acceptable client \
                 certificate CA names\"; B's CA is not among them.",
            ),
            LabScenario::LeafOnlyCHoldsIntermediate | LabScenario::LeafOnlyCHoldsRootOnly => Some(
                "openssl s_client, given a leaf and no -cert_chain, completes its chain from its own \
                 -CAfile and sends the CAs it finds there: the seed's s_client sends C's intermediate that \
                 way without being told. The reproduction gives s_client its CAs with -verifyCAfile, which \
                 it trusts without sending, so that B sends its leaf alone.",
            ),
            LabScenario::DeepChain => Some(
                "Both accept with the seed's flags. With -verify_depth 2 added, s_server refuses with \
                 \"verify error:num=22:certificate chain too long\" and alert 48 (unknown ca), and nginx \
                 with ssl_verify_depth 2 answers 400; rustls has no such setting.",
            ),
            _ => None,
        }
    }

    /// What openssl (`s_server -Verify 2 -verify_return_error`, with `-crl_check` or
    /// `-crl_check_all` and the row's CRLs where C checks revocation, and `s_client
    /// -verify_return_error -verify_hostname`) reports for the same files; `None` where it accepts.
    pub fn openssl_reason(self, version: TlsVersion) -> Option<OpensslReason> {
        let refused = |verify_error, alert| {
            Some(OpensslReason {
                refused_by: Side::Server,
                verify_error,
                alert,
            })
        };
        match self {
            LabScenario::GoodRun | LabScenario::GoodRunTls12 | LabScenario::FederatedGoodRun => {
                None
            }
            LabScenario::NoClientCertificate => match version {
                TlsVersion::Tls13 => refused(None, (116, "certificate required")),
                TlsVersion::Tls12 => refused(None, (40, "handshake failure")),
            },
            LabScenario::ClientRootAsCertificate => {
                refused(Some((18, "self-signed certificate")), (48, "unknown ca"))
            }
            LabScenario::UntrustedClientCa | LabScenario::MissingIntermediate => refused(
                Some((20, "unable to get local issuer certificate")),
                (48, "unknown ca"),
            ),
            LabScenario::ExpiredClientCertificate => refused(
                Some((10, "certificate has expired")),
                (45, "certificate expired"),
            ),
            LabScenario::NotYetValidClientCertificate => refused(
                Some((9, "certificate is not yet valid")),
                (42, "bad certificate"),
            ),
            LabScenario::ServerCertificateAsClient => refused(
                Some((26, "unsuitable certificate purpose")),
                (43, "unsupported certificate"),
            ),
            LabScenario::WrongServerName => Some(OpensslReason {
                refused_by: Side::Client,
                verify_error: Some((62, "hostname mismatch")),
                alert: (42, "bad certificate"),
            }),
            LabScenario::IssuedByNonCa => {
                refused(Some((79, "invalid CA certificate")), (48, "unknown ca"))
            }
            LabScenario::PathLengthExceeded => refused(
                Some((25, "path length constraint exceeded")),
                (48, "unknown ca"),
            ),
            LabScenario::MismatchedKey => refused(None, (51, "decrypt error")),
            LabScenario::RevokedClientCertificate => refused(
                Some((23, "certificate revoked")),
                (44, "certificate revoked"),
            ),
            LabScenario::ExpiredCrl => {
                refused(Some((12, "CRL has expired")), (45, "certificate expired"))
            }
            LabScenario::NoCrlForIntermediate => refused(
                Some((3, "unable to get certificate CRL")),
                (48, "unknown ca"),
            ),
            LabScenario::OptionalWithoutCertificate
            | LabScenario::OptionalWithCertificate
            | LabScenario::LeafOnlyCHoldsIntermediate
            | LabScenario::NameConstraintPermitted
            | LabScenario::DeepChain => None,
            LabScenario::ClientPicksByCaNames | LabScenario::LeafOnlyCHoldsRootOnly => refused(
                Some((20, "unable to get local issuer certificate")),
                (48, "unknown ca"),
            ),
            LabScenario::ServerOnlyEkuOnIntermediate => refused(
                Some((26, "unsuitable certificate purpose")),
                (43, "unsupported certificate"),
            ),
            LabScenario::NameConstraintViolated => refused(
                Some((47, "permitted subtree violation")),
                (46, "certificate unknown"),
            ),
        }
    }
}

/// openssl's verdict on a row's files: the side that refuses, the verify error it prints
/// (`verify error:num=N:text`), and the alert the other side then receives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OpensslReason {
    pub refused_by: Side,
    pub verify_error: Option<(u32, &'static str)>,
    /// The alert's number and the words openssl prints for it (`alert unknown ca`).
    pub alert: (u8, &'static str),
}

impl OpensslReason {
    /// One line for the page: what openssl says about the same files.
    pub fn sentence(&self) -> String {
        let who = match self.refused_by {
            Side::Client => "s_client",
            _ => "s_server",
        };
        let (code, words) = self.alert;
        match self.verify_error {
            Some((num, text)) => format!(
                "openssl: {who} refuses with \"verify error:num={num}:{text}\" and sends alert {code} ({words})."
            ),
            None => format!("openssl: {who} refuses and sends alert {code} ({words})."),
        }
    }
}

//! The one boundary between the page and its worker: a [`Request`] carries an id and the
//! [`Work`] to do, a [`Response`] echoes the id with the [`Reply`] or a typed [`CoreError`].
//! Both travel in postcard's compact binary form, behind a format byte; certificates, CSRs and
//! keys go as their DER and are parsed and checked again on the way in.

use super::elsewhere::{self, Software};
use super::export::{self, ExportFile};
use super::job::{StepJob, StepProducts};
use super::lab::{self, LabInputs, LabScenario};
use super::reproduce::{self, KeyPems};
use super::revocation::{Revocation, RevocationChange};
use super::saved::Saved;
use super::steps::Party;
use super::{CertificateCheck, CrlCheck, Settings, Verification, Workshop, WorkshopFiles};
use crate::pki::pkcs12::Pkcs12Job;
use crate::pki::signed_outside::{Unfinished, Wanted};
/// The input a core error belongs to; the core's own type, so it crosses as it is.
pub use crate::pki::InputField;
use crate::pki::{Certificate, Csr, PkiError, PrivateKey};
use crate::tls::{HandshakeJob, Outcome};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The first byte of every request and response; a change of shape takes the next number.
pub const FORMAT: u8 = 2;

/// One piece of work the page hands to an executor, the worker or the page itself.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Request {
    pub id: u64,
    pub work: Work,
}

// A request is made once and moved to its executor; boxing would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, Serialize, Deserialize)]
pub enum Work {
    /// A step's signing.
    Step(StepJob),
    /// One handshake.
    Handshake(HandshakeJob),
    /// Step 8's three runs.
    SeedRuns(lab::SeedRuns),
    /// One lab scenario's files, answered as the handshake to run.
    Lab {
        inputs: LabInputs,
        scenario: LabScenario,
        now: u64,
    },
    /// The saved workshop's keys to open: 100,000 PBKDF2 rounds a key.
    OpenKeys { saved: String, passphrase: String },
    /// Client B's identity as one PKCS#12 file.
    Pkcs12(Pkcs12Job),
    /// A user's own files, checked and put through the handshake.
    Diagnose(crate::diagnose::DiagnoseJob),
    /// The seed's closing checks on the workshop's files.
    Verify { files: WorkshopFiles, now: u64 },
    /// A pasted certificate, decoded and tried against the workshop's CAs.
    CheckCertificate {
        files: WorkshopFiles,
        text: String,
        now: u64,
    },
    /// A pasted CRL, checked against C's CAs.
    CheckCrl {
        files: WorkshopFiles,
        text: String,
        now: u64,
    },
    /// B revoked, or C's CRLs published again, from the workshop's files and what C revoked.
    Revocation {
        files: WorkshopFiles,
        revocation: Revocation,
        change: RevocationChange,
        now: u64,
    },
    /// What a pasted error message means, and the lab rows that end that way.
    LookupMessage(String),
    /// A new EC key, where the page's WebCrypto cannot make one.
    GenerateKey(crate::pki::KeyAlgorithm),
    /// A key encrypted for download (PKCS#8, PBES2), where WebCrypto cannot do it.
    EncryptKey {
        key: PrivateKey,
        passphrase: String,
        iterations: u32,
    },
    /// A key the user gave, PEM in any form openssl writes, opened with `passphrase`.
    ReadKey { pem: String, passphrase: String },
    /// Files packed as one zip archive.
    Zip(Vec<ExportFile>),
    /// The workshop's tree as the page makes it ([`export::files_without_folders`]), packed as
    /// one zip archive with its use-elsewhere folders.
    TreeZip {
        settings: Settings,
        tree: Vec<ExportFile>,
    },
    /// A "Use the files elsewhere" folder, made from the workshop's tree as it downloads.
    Elsewhere {
        settings: Settings,
        tree: Vec<ExportFile>,
        software: Software,
    },
    /// A lab row's files, script and outcome for openssl, as one zip archive.
    Reproduce {
        setup: lab::Setup,
        run: lab::LabRun,
        keys: KeyPems,
    },
}

/// What the work made.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub enum Reply {
    /// A step's CSR and certificate; its key is the job's own, which the page holds.
    Step {
        csr: Option<Csr>,
        cert: Option<Certificate>,
    },
    /// The step needs these messages signed (by WebCrypto) before it can finish.
    SignaturesWanted(Vec<Wanted>),
    Handshake(Outcome),
    SeedRuns(Vec<(LabScenario, Outcome)>),
    /// The scenario's files, which the page keeps for openssl, as the handshake to run.
    Lab(HandshakeJob),
    OpenedKeys(BTreeMap<Party, PrivateKey>),
    Pkcs12(serde_bytes::ByteBuf),
    Diagnosis(Box<crate::diagnose::Diagnosis>),
    Verification(Option<Box<Verification>>),
    CertificateCheck(Box<CertificateCheck>),
    CrlCheck(Box<CrlCheck>),
    Key(PrivateKey),
    Pem(String),
    Revocation(Box<Revocation>),
    Found(crate::diagnose::errors::Found),
    Archive(serde_bytes::ByteBuf),
    /// The tree's archive, and how many files it holds.
    TreeArchive {
        zip: serde_bytes::ByteBuf,
        files: usize,
    },
    Files(Vec<ExportFile>),
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Response {
    pub id: u64,
    pub result: Result<Reply, CoreError>,
}

/// Why the core refused the work, in kinds a page can act on: a wrong passphrase is its own
/// kind, an input error names its input.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CoreError {
    Pem(String),
    Key(String),
    WrongPassphrase,
    Csr(String),
    Certificate(String),
    Input {
        field: InputField,
        message: String,
    },
    Unsupported(String),
    /// Bytes that do not read as a request or response of this build.
    Unreadable(String),
    /// Neither a worker nor the page could load the module that does the work.
    Unavailable(String),
}

impl From<PkiError> for CoreError {
    fn from(e: PkiError) -> Self {
        match e {
            PkiError::Pem(m) => CoreError::Pem(m),
            PkiError::Key(m) => CoreError::Key(m),
            PkiError::WrongPassphrase => CoreError::WrongPassphrase,
            PkiError::Csr(m) => CoreError::Csr(m),
            PkiError::Certificate(m) => CoreError::Certificate(m),
            PkiError::Input { field, message } => CoreError::Input { field, message },
            PkiError::Unsupported(m) => CoreError::Unsupported(m),
        }
    }
}

impl From<CoreError> for PkiError {
    fn from(e: CoreError) -> Self {
        match e {
            CoreError::Pem(m) => PkiError::Pem(m),
            CoreError::Key(m) => PkiError::Key(m),
            CoreError::WrongPassphrase => PkiError::WrongPassphrase,
            CoreError::Csr(m) => PkiError::Csr(m),
            CoreError::Certificate(m) => PkiError::Certificate(m),
            CoreError::Input { field, message } => PkiError::Input { field, message },
            CoreError::Unsupported(m) => PkiError::Unsupported(m),
            CoreError::Unreadable(m) => PkiError::input(InputField::Run, unreadable(&m)),
            CoreError::Unavailable(m) => PkiError::input(InputField::Run, unavailable(&m)),
        }
    }
}

fn unreadable(what: &str) -> String {
    format!("The work came back unreadable ({what}).")
}

fn unavailable(why: &str) -> String {
    format!("The work could not start: {why}. Reload the page to try again.")
}

impl std::fmt::Display for CoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CoreError::Unreadable(m) => f.write_str(&unreadable(m)),
            CoreError::Unavailable(m) => f.write_str(&unavailable(m)),
            other => PkiError::from(other.clone()).fmt(f),
        }
    }
}

impl std::error::Error for CoreError {}

impl From<postcard::Error> for CoreError {
    fn from(e: postcard::Error) -> Self {
        CoreError::Unreadable(e.to_string())
    }
}

impl Work {
    /// Does the work, here.
    pub fn run(self) -> Result<Reply, CoreError> {
        Ok(match self {
            Work::Step(job) => return job.answer(),
            Work::Handshake(job) => Reply::Handshake(job.run().with_view()),
            Work::SeedRuns(runs) => Reply::SeedRuns(
                runs.run()?
                    .into_iter()
                    .map(|(scenario, outcome)| (scenario, outcome.with_view()))
                    .collect(),
            ),
            Work::Lab {
                inputs,
                scenario,
                now,
            } => Reply::Lab(lab::setup(&inputs, scenario, now)?.job()),
            Work::OpenKeys { saved, passphrase } => {
                Reply::OpenedKeys(Saved::parse(&saved)?.open_keys(&passphrase)?)
            }
            Work::Pkcs12(job) => Reply::Pkcs12(serde_bytes::ByteBuf::from(job.run()?)),
            Work::Diagnose(job) => Reply::Diagnosis(Box::new(job.run().with_views())),
            Work::Verify { files, now } => {
                Reply::Verification(Workshop::from_files(files).verification(now).map(Box::new))
            }
            Work::CheckCertificate { files, text, now } => Reply::CertificateCheck(Box::new(
                Workshop::from_files(files).check_certificate(&text, now)?,
            )),
            Work::CheckCrl { files, text, now } => {
                Reply::CrlCheck(Box::new(Workshop::from_files(files).check_crl(&text, now)?))
            }
            Work::Revocation {
                files,
                revocation,
                change,
                now,
            } => {
                let mut workshop = Workshop::from_files(files);
                workshop.adopt_revocation(revocation);
                workshop.change_revocation(change, now)?;
                Reply::Revocation(Box::new(workshop.revocation))
            }
            Work::LookupMessage(text) => {
                Reply::Found(crate::diagnose::errors::lookup(&text).into())
            }
            Work::GenerateKey(algorithm) => Reply::Key(PrivateKey::generate(algorithm)?),
            Work::EncryptKey {
                key,
                passphrase,
                iterations,
            } => Reply::Pem(key.to_encrypted_pem(&passphrase, iterations)?),
            Work::ReadKey { pem, passphrase } => {
                Reply::Key(PrivateKey::from_pem(&pem, &passphrase)?)
            }
            Work::Zip(files) => Reply::Archive(archive(export::zip(&files))?),
            Work::TreeZip { settings, tree } => {
                let files = export::with_folders(&settings, tree);
                Reply::TreeArchive {
                    zip: archive(export::zip(&files))?,
                    files: files.len(),
                }
            }
            Work::Elsewhere {
                settings,
                tree,
                software,
            } => Reply::Files(elsewhere::folder(&settings, &tree, software)),
            Work::Reproduce { setup, run, keys } => {
                Reply::Archive(archive(reproduce::zip(&setup, &run, &keys))?)
            }
        })
    }
}

impl StepJob {
    /// Signs here, or answers with the signatures the job still wants from outside.
    pub fn answer(&self) -> Result<Reply, CoreError> {
        let run = || self.run();
        let products = match &self.outside {
            None => run()?,
            Some(given) => match given.run(run) {
                Ok(products) => products,
                Err(Unfinished::Wanted(wanted)) => return Ok(Reply::SignaturesWanted(wanted)),
                Err(Unfinished::Failed(e)) => return Err(e.into()),
            },
        };
        Ok(Reply::Step {
            csr: products.csr,
            cert: products.cert,
        })
    }
}

impl Request {
    /// Runs the request here and answers it under its id.
    pub fn answer(self) -> Response {
        Response {
            id: self.id,
            result: self.work.run(),
        }
    }

    pub fn to_bytes(&self) -> Result<Vec<u8>, CoreError> {
        to_bytes(self)
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<Request, CoreError> {
        from_bytes(bytes)
    }
}

impl Response {
    pub fn to_bytes(&self) -> Result<Vec<u8>, CoreError> {
        to_bytes(self)
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<Response, CoreError> {
        from_bytes(bytes)
    }
}

/// The worker's whole job: reads a request, runs it and writes the response. A request that
/// does not read is answered under whatever id could be read, with the reason.
pub fn answer_bytes(bytes: &[u8]) -> Vec<u8> {
    let response = match Request::from_bytes(bytes) {
        Ok(request) => request.answer(),
        Err(e) => Response {
            id: postcard::take_from_bytes::<(u8, u64)>(bytes).map_or(0, |((_, id), _)| id),
            result: Err(e),
        },
    };
    response.to_bytes().unwrap_or_else(|e| {
        // Only a reply too odd to write lands here; its refusal always writes.
        let refusal = Response {
            id: response.id,
            result: Err(e),
        };
        refusal.to_bytes().unwrap_or_default()
    })
}

fn archive(made: Result<Vec<u8>, export::ArchiveError>) -> Result<serde_bytes::ByteBuf, CoreError> {
    made.map(serde_bytes::ByteBuf::from)
        .map_err(|e| CoreError::Unsupported(e.to_string()))
}

fn to_bytes<T: Serialize>(value: &T) -> Result<Vec<u8>, CoreError> {
    Ok(postcard::to_allocvec(&(FORMAT, value))?)
}

fn from_bytes<T: for<'de> Deserialize<'de>>(bytes: &[u8]) -> Result<T, CoreError> {
    let (format, rest) = postcard::take_from_bytes::<u8>(bytes)?;
    if format != FORMAT {
        return Err(CoreError::Unreadable(format!(
            "format {format}, where this build reads {FORMAT}"
        )));
    }
    let (value, rest) = postcard::take_from_bytes(rest)?;
    if !rest.is_empty() {
        return Err(CoreError::Unreadable("bytes after the end".into()));
    }
    Ok(value)
}

impl StepProducts {
    /// The products a worker's reply names, with the job's own key.
    pub fn from_reply(job: &StepJob, csr: Option<Csr>, cert: Option<Certificate>) -> Self {
        StepProducts {
            step: job.step,
            key: job.key.clone(),
            csr,
            cert,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workshop::{export::KeyProtection, saved, Settings, StepId, Workshop};

    const NOW: u64 = 1_795_000_000;
    const PASTED: &str = "tlsv1 alert unknown ca:...:SSL alert number 48";

    /// Writes, reads and writes again: the bytes must match, and the id must survive.
    fn round_trip_request(request: Request) -> Request {
        let bytes = request.to_bytes().unwrap();
        let back = Request::from_bytes(&bytes).unwrap();
        assert_eq!(back.id, request.id);
        assert_eq!(back.to_bytes().unwrap(), bytes);
        back
    }

    fn round_trip_response(response: Response) -> Response {
        let bytes = response.to_bytes().unwrap();
        let back = Response::from_bytes(&bytes).unwrap();
        assert_eq!(back.id, response.id);
        assert_eq!(back.to_bytes().unwrap(), bytes);
        back
    }

    #[test]
    fn every_request_and_response_survives_the_trip() {
        let mut workshop = Workshop::new(Settings::default());
        workshop.run_all(NOW).unwrap();
        let plain = KeyProtection::plain();
        let text = saved::save(&workshop, &plain, |p| workshop.key(p).map(|k| k.to_pem()));
        let fresh = Workshop::new(Settings::default());
        let mut rsa = Settings::default();
        rsa.cert_mut(Party::CRoot).algorithm = crate::pki::KeyAlgorithm::Rsa2048;
        let mut signed_outside = Workshop::new(rsa).job(StepId::CRoot, None, NOW).unwrap();
        signed_outside.outside = Some(crate::pki::signed_outside::GivenSignatures::new().unwrap());
        let tree = export::all_files(&workshop, &plain).unwrap();
        let setup = lab::setup(&LabInputs::of(&workshop), LabScenario::GoodRun, NOW).unwrap();
        let run = lab::LabRun {
            scenario: LabScenario::GoodRun,
            outcome: setup.clone().job().run(),
        };
        let keys = {
            let (server_key, client_key) = reproduce::keys(&setup);
            KeyPems {
                server: server_key.to_pem(),
                client: client_key.map(|k| k.to_pem()),
                encrypted: false,
            }
        };
        let works = [
            Work::Step(fresh.job(StepId::CRoot, None, NOW).unwrap()),
            Work::Step(signed_outside),
            Work::SeedRuns(lab::SeedRuns::of(&workshop)),
            Work::Step(workshop.job(StepId::CSignsB, None, NOW).unwrap()),
            Work::Handshake(workshop.connection(LabScenario::GoodRun).unwrap()),
            Work::Lab {
                inputs: LabInputs::of(&workshop),
                scenario: LabScenario::ExpiredClientCertificate,
                now: NOW,
            },
            Work::OpenKeys {
                saved: text,
                passphrase: String::new(),
            },
            Work::Diagnose(crate::diagnose::DiagnoseJob {
                server_name: "localhost".into(),
                now: NOW,
                ..Default::default()
            }),
            Work::Revocation {
                files: workshop.files(),
                revocation: Default::default(),
                change: RevocationChange::Revoke(crate::pki::crl::Reason::KeyCompromise),
                now: NOW,
            },
            Work::LookupMessage(PASTED.into()),
            Work::Zip(tree.clone()),
            Work::TreeZip {
                settings: workshop.settings.clone(),
                tree: tree
                    .iter()
                    .filter(|f| !f.path.starts_with("use-elsewhere/"))
                    .cloned()
                    .collect(),
            },
            Work::Elsewhere {
                settings: workshop.settings.clone(),
                tree: tree.clone(),
                software: Software::Haproxy,
            },
            Work::Reproduce { setup, run, keys },
            Work::EncryptKey {
                key: workshop.key(Party::BClient).unwrap().clone(),
                passphrase: "correct horse".into(),
                iterations: 1000,
            },
            Work::Verify {
                files: workshop.files(),
                now: NOW,
            },
            Work::CheckCertificate {
                files: workshop.files(),
                text: workshop.certificate(Party::BClient).unwrap().to_pem(),
                now: NOW,
            },
        ];
        let mut answers = Vec::new();
        for (id, work) in (u64::MAX - 20..).zip(works) {
            let request = round_trip_request(Request { id, work });
            let response = round_trip_response(request.answer());
            assert!(response.result.is_ok(), "{:?}", response.result.err());
            answers.push(response.result.unwrap());
        }
        // The RSA root signed outside wants its one signature; step 8's runs end as the seed's.
        assert!(matches!(&answers[1], Reply::SignaturesWanted(w) if w.len() == 1));
        // Each outcome crosses with its view: the page's module decodes and draws nothing.
        assert!(matches!(&answers[2], Reply::SeedRuns(runs)
            if runs.iter().all(|(s, o)| o.result.is_ok() == s.should_succeed()
                && o.view.as_ref().is_some_and(|v| v.messages.len() > 4 && !v.capture.is_empty()))));
        assert!(matches!(&answers[4], Reply::Handshake(o) if o.view.is_some()));
        // The archives are the core's zips; the folder is the one made here.
        let [.., Reply::Archive(zip), Reply::TreeArchive {
            zip: tree_zip,
            files,
        }, Reply::Files(folder), Reply::Archive(bundle), _, _, _] = &answers[..]
        else {
            panic!("the archives and the folder come back as such");
        };
        assert_eq!(zip.as_slice(), export::zip(&tree).unwrap());
        // The page's tree without its folders packs as the whole tree, folders made in the core.
        assert_eq!(tree_zip.as_slice(), zip.as_slice());
        assert_eq!(*files, tree.len());
        assert_eq!(
            *folder,
            elsewhere::folder(&workshop.settings, &tree, Software::Haproxy)
        );
        assert!(bundle.starts_with(b"PK\x03\x04"));
        // The core's CRL lists B's certificate, signed by C's issuing CA.
        let revocation = answers.iter().find_map(|a| match a {
            Reply::Revocation(r) => Some(r),
            _ => None,
        });
        let mut revoked = workshop.clone();
        revoked.adopt_revocation(*revocation.unwrap().clone());
        assert!(revoked.b_is_revoked());
        // A pasted message is looked up in the core's table.
        let found = answers.iter().find_map(|a| match a {
            Reply::Found(found) => Some(found),
            _ => None,
        });
        let expected = crate::diagnose::errors::lookup(PASTED).into();
        assert_eq!(found, Some(&expected));
        assert!(!expected.rows.is_empty() && !expected.lines.is_empty());
        // The checks the core makes for the page are the workshop's own.
        let [.., Reply::Pem(pem), Reply::Verification(Some(report)), Reply::CertificateCheck(check)] =
            &answers[..]
        else {
            panic!("the key and the checks come back as such");
        };
        let opened = PrivateKey::from_pem(pem, "correct horse").unwrap();
        assert_eq!(Some(&opened), workshop.key(Party::BClient));
        assert_eq!(**report, workshop.verification(NOW).unwrap());
        let text = workshop.certificate(Party::BClient).unwrap().to_pem();
        assert_eq!(**check, workshop.check_certificate(&text, NOW).unwrap());
        let errors = [
            CoreError::Pem("p".into()),
            CoreError::Key("k".into()),
            CoreError::WrongPassphrase,
            CoreError::Csr("c".into()),
            CoreError::Certificate("x".into()),
            CoreError::Input {
                field: InputField::CommonName,
                message: "m".into(),
            },
            CoreError::Unsupported("u".into()),
            CoreError::Unreadable("r".into()),
        ];
        for error in errors {
            let back = round_trip_response(Response {
                id: 1,
                result: Err(error.clone()),
            });
            assert_eq!(back.result.unwrap_err(), error);
        }
    }

    const FIELDS: [InputField; 13] = [
        InputField::Country,
        InputField::State,
        InputField::Locality,
        InputField::Organization,
        InputField::OrganizationalUnit,
        InputField::CommonName,
        InputField::Days,
        InputField::Sans,
        InputField::Passphrase,
        InputField::Lab,
        InputField::Run,
        InputField::Revocation,
        InputField::Crl,
    ];

    #[test]
    fn every_input_field_survives_the_trip() {
        for field in FIELDS {
            let error = CoreError::Input {
                field,
                message: "why".into(),
            };
            let back = round_trip_response(Response {
                id: 7,
                result: Err(error.clone()),
            });
            assert_eq!(back.result.unwrap_err(), error);
        }
    }

    #[test]
    fn pki_errors_keep_their_kind_and_field_both_ways() {
        for field in FIELDS {
            let pki = PkiError::input(field, "why");
            let core = CoreError::from(pki.clone());
            assert_eq!(
                core,
                CoreError::Input {
                    field,
                    message: "why".into()
                }
            );
            assert_eq!(PkiError::from(core.clone()), pki);
            assert_eq!(core.to_string(), pki.to_string());
        }
        assert_eq!(
            CoreError::from(PkiError::WrongPassphrase),
            CoreError::WrongPassphrase
        );
    }
}

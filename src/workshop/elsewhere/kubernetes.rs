//! Client C's server on Kubernetes behind ingress-nginx: a Secret with the server's
//! certificate, its key and the CAs clients are checked against (`ca.crt`), and an Ingress whose
//! annotations require a client certificate. Both are exactly what the folder's `kubectl create
//! ... --dry-run=client -o yaml` commands print, so either can be applied.

use super::*;
use base64::Engine;

/// The Secret's and the Ingress's name, and their namespace.
const SECRET: &str = "client-c-tls";
const INGRESS: &str = "client-c";
const NAMESPACE: &str = "default";

pub(super) fn folder(tree: &Tree<'_>) -> Option<Vec<ExportFile>> {
    let software = Software::Kubernetes;
    let name = tree.server_name();
    let fullchain = tree.server_fullchain()?;
    let key = tree.get(paths::C_SERVER_KEY)?;
    let cas = tree.get(paths::C_CHAIN)?;
    let mut files = vec![
        file(software, "tls.crt", fullchain.clone()),
        file(software, "tls.key", key),
        file(software, "ca.crt", cas),
        file(software, "ingress.yaml", ingress(&name)),
    ];
    // A Secret holds its key unencrypted: with encrypted keys, run.sh makes it.
    let plain = !key.contains("ENCRYPTED");
    if plain {
        files.push(file(software, "secret.yaml", secret(&fullchain, key, cas)));
    }
    files.push(file(software, "run.sh", commands(&name)));
    let mut listed = vec![
        ("tls.crt", "C's server certificate, then C's intermediate"),
        ("tls.key", "its private key, as it downloaded"),
        (
            "ca.crt",
            "the CAs whose client certificates are accepted: C's chain",
        ),
        (
            "ingress.yaml",
            "the Ingress, with ingress-nginx's auth-tls annotations",
        ),
        (
            "run.sh",
            "the kubectl commands that write secret.yaml and ingress.yaml",
        ),
    ];
    if plain {
        listed.push(("secret.yaml", "the Secret: tls.crt, tls.key and ca.crt"));
    }
    files.push(file(
        software,
        "README.txt",
        readme(
            software,
            &format!(
                "Client C's server on Kubernetes behind ingress-nginx. The Secret {SECRET} (type \
                 kubernetes.io/tls) holds the server's certificate and key, and ca.crt, the CAs that \
                 ingress-nginx checks client certificates against: auth-tls-secret names it, \
                 auth-tls-verify-client on requires a certificate, auth-tls-verify-depth 2 allows C's \
                 intermediate and root above it, and auth-tls-pass-certificate-to-upstream hands the \
                 client's certificate to the application in the ssl-client-cert header. The Ingress \
                 sends {name} to a Service named app on port 80: change it to yours. A Secret holds the \
                 key unencrypted (base64 is no protection): {}, and keep access to Secrets in the \
                 namespace narrow.",
                if plain {
                    "secret.yaml has it as it downloaded"
                } else {
                    "run.sh decrypts a copy to make secret.yaml, which is therefore not in this folder"
                }
            ),
            &listed,
            "  export KEY_PASSPHRASE   # if the key is encrypted\n  \
             bash run.sh             # writes secret.yaml and ingress.yaml; NAMESPACE=default by default\n  \
             kubectl apply -f secret.yaml -f ingress.yaml",
            &format!(
                "  kubectl get secret {SECRET} shows the keys ca.crt, tls.crt and tls.key; a client with B's\n  \
                 certificate gets through the ingress to the Service, one without is answered \"400 No\n  \
                 required SSL certificate was sent\" by ingress-nginx."
            ),
        ),
    ));
    Some(files)
}

/// The commands that make the same two objects, into secret.yaml and ingress.yaml.
fn commands(name: &str) -> String {
    format!(
        "#!/bin/sh\nset -e\ncd \"$(dirname \"$0\")\"\nNAMESPACE=\"${{NAMESPACE:-{NAMESPACE}}}\"\n{}\
         kubectl create secret generic {SECRET} --type=kubernetes.io/tls --namespace \"$NAMESPACE\" \\\n    \
         --from-file=tls.crt --from-file=tls.key=tls.plain.key --from-file=ca.crt \\\n    \
         --dry-run=client -o yaml > secret.yaml\n\
         rm -f tls.plain.key\n\
         kubectl create ingress {INGRESS} --class=nginx --namespace \"$NAMESPACE\" \\\n    \
         --rule=\"{name}/*=app:80,tls={SECRET}\" \\\n    \
         --annotation=nginx.ingress.kubernetes.io/auth-tls-secret=\"$NAMESPACE/{SECRET}\" \\\n    \
         --annotation=nginx.ingress.kubernetes.io/auth-tls-verify-client=on \\\n    \
         --annotation=nginx.ingress.kubernetes.io/auth-tls-verify-depth=2 \\\n    \
         --annotation=nginx.ingress.kubernetes.io/auth-tls-pass-certificate-to-upstream=true \\\n    \
         --dry-run=client -o yaml > ingress.yaml\n",
        decrypt_key("tls.key", "tls.plain.key")
    )
}

/// The Secret as `kubectl create secret generic --type=kubernetes.io/tls -o yaml` prints it.
fn secret(fullchain: &str, key: &str, cas: &str) -> String {
    let b64 = |text: &str| base64::engine::general_purpose::STANDARD.encode(text);
    format!(
        "apiVersion: v1\ndata:\n  ca.crt: {}\n  tls.crt: {}\n  tls.key: {}\nkind: Secret\n\
         metadata:\n  creationTimestamp: null\n  name: {SECRET}\n  namespace: {NAMESPACE}\n\
         type: kubernetes.io/tls\n",
        b64(cas),
        b64(fullchain),
        b64(key)
    )
}

/// The Ingress as `kubectl create ingress ... -o yaml` prints it.
fn ingress(name: &str) -> String {
    format!(
        "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  annotations:\n    \
         nginx.ingress.kubernetes.io/auth-tls-pass-certificate-to-upstream: \"true\"\n    \
         nginx.ingress.kubernetes.io/auth-tls-secret: {NAMESPACE}/{SECRET}\n    \
         nginx.ingress.kubernetes.io/auth-tls-verify-client: \"on\"\n    \
         nginx.ingress.kubernetes.io/auth-tls-verify-depth: \"2\"\n  \
         creationTimestamp: null\n  name: {INGRESS}\n  namespace: {NAMESPACE}\nspec:\n  \
         ingressClassName: nginx\n  rules:\n  - host: {name}\n    http:\n      paths:\n      \
         - backend:\n          service:\n            name: app\n            port:\n              \
         number: 80\n        path: /\n        pathType: Prefix\n  tls:\n  - hosts:\n    - {name}\n    \
         secretName: {SECRET}\nstatus:\n  loadBalancer: {{}}\n"
    )
}

//! One file of the exported tree: where it goes and what it holds.

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ExportFile {
    /// Inside the tree, with `/` between folders.
    pub path: String,
    pub contents: String,
}

impl ExportFile {
    pub fn file_name(&self) -> &str {
        self.path.rsplit('/').next().unwrap_or(&self.path)
    }
}

use super::*;
use crate::workshop::export::{self, KeyProtection};
use crate::workshop::Workshop;

fn tree(keys: &KeyProtection) -> (Settings, Vec<ExportFile>) {
    let mut workshop = Workshop::new(Settings::default());
    workshop.run_all(1_795_000_000).unwrap();
    let files = export::all_files(&workshop, keys).unwrap();
    (workshop.settings.clone(), files)
}

#[test]
fn every_folder_has_its_files_a_run_script_and_a_readme() {
    let (settings, files) = tree(&KeyProtection::encrypted("elsewhere pass"));
    for software in Software::SERVERS.into_iter().chain(Software::CLIENTS) {
        let folder = folder(&settings, &files, software);
        let names: Vec<&str> = folder.iter().map(ExportFile::file_name).collect();
        for needed in ["run.sh", "README.txt"] {
            assert!(names.contains(&needed), "{software:?}: {names:?}");
        }
        assert!(folder.iter().all(|f| f
            .path
            .starts_with(&format!("use-elsewhere/{}/", software.id()))));
        // Every key goes out as it downloaded: encrypted here.
        for key in folder.iter().filter(|f| f.path.ends_with(".key")) {
            assert!(
                key.contents
                    .starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----"),
                "{}",
                key.path
            );
        }
        let readme = &folder
            .iter()
            .find(|f| f.file_name() == "README.txt")
            .unwrap()
            .contents;
        for (name, _) in folder.iter().map(|f| (f.file_name(), ())) {
            if name != "README.txt" {
                assert!(
                    readme.contains(name),
                    "{software:?}: README.txt does not list {name}"
                );
            }
        }
        assert_eq!(Software::from_id(software.id()), Some(software));
    }
}

#[test]
fn the_zip_of_the_tree_holds_every_folder() {
    let (_, files) = tree(&KeyProtection::plain());
    for software in Software::SERVERS.into_iter().chain(Software::CLIENTS) {
        let run = format!("use-elsewhere/{}/run.sh", software.id());
        assert!(files.iter().any(|f| f.path == run), "{run}");
    }
}

#[test]
fn before_the_steps_ran_there_is_no_folder() {
    let workshop = Workshop::new(Settings::default());
    let files = export::all_files(&workshop, &KeyProtection::plain()).unwrap();
    assert!(all_folders(&workshop.settings, &files).is_empty());
}

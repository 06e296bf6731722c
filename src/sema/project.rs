//! A project: a folder with `segc.toml` and `.seg` files below it (spec §1),
//! read from disk or assembled in memory (tests, stdin).

use std::io;
use std::path::{Path, PathBuf};

use crate::span::{FileId, SourceMap};

pub const SCHEMA_FILE: &str = "segc.toml";

/// The texts of a project. `focus`, when set, is the one file a command was
/// pointed at: the others are read only so that its names resolve.
#[derive(Debug, Default)]
pub struct Project {
    pub sources: SourceMap,
    pub schema_file: Option<FileId>,
    /// Each `.seg` file with the segment name a bare expression in it gets.
    pub seg_files: Vec<(FileId, String)>,
    pub focus: Option<FileId>,
}

impl Project {
    /// Builds a project from texts: `(path, text)` pairs of `.seg` files.
    pub fn from_sources(schema: Option<&str>, files: &[(&str, &str)]) -> Project {
        let mut project = Project::default();
        if let Some(text) = schema {
            project.schema_file = Some(project.sources.add(SCHEMA_FILE, text));
        }
        for (path, text) in files {
            project.add_seg(path, stem_of(Path::new(path)), text.to_string());
        }
        project
    }

    fn add_seg(&mut self, path: &str, stem: String, text: String) -> FileId {
        let id = self.sources.add(path, text);
        self.seg_files.push((id, stem));
        id
    }

    /// Loads a folder (the project), or a file: the project around it when a
    /// `segc.toml` is found in its folder or above, else the file alone.
    pub fn load(path: &Path) -> io::Result<Project> {
        let meta = std::fs::metadata(path)
            .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", path.display())))?;
        if meta.is_dir() {
            return Project::load_folder(path);
        }
        match find_root(folder_of(path)) {
            Some(root) => {
                let mut project = Project::load_folder(&root)?;
                let wanted = std::fs::canonicalize(path)?;
                let existing = project.seg_files.iter().find(|(id, _)| {
                    std::fs::canonicalize(&project.sources.get(*id).path)
                        .ok()
                        .as_ref()
                        == Some(&wanted)
                });
                project.focus = match existing {
                    Some((id, _)) => Some(*id),
                    None => Some(project.add_seg(&display(path), stem_of(path), read(path)?)),
                };
                Ok(project)
            }
            None => {
                let mut project = Project::default();
                project.focus = Some(project.add_seg(&display(path), stem_of(path), read(path)?));
                Ok(project)
            }
        }
    }

    /// Text from standard input, checked inside the project around `cwd` if
    /// there is one. A bare expression on stdin is the segment `stdin`.
    pub fn load_stdin(text: String, cwd: &Path) -> io::Result<Project> {
        let mut project = match find_root(cwd) {
            Some(root) => Project::load_folder(&root)?,
            None => Project::default(),
        };
        project.focus = Some(project.add_seg("<stdin>", "stdin".into(), text));
        Ok(project)
    }

    fn load_folder(root: &Path) -> io::Result<Project> {
        let mut project = Project::default();
        let schema = root.join(SCHEMA_FILE);
        if schema.is_file() {
            project.schema_file = Some(project.sources.add(display(&schema), read(&schema)?));
        }
        let mut files = Vec::new();
        find_files(
            root,
            &|p| p.extension().is_some_and(|e| e == "seg"),
            &mut files,
        )?;
        files.sort();
        for file in files {
            let text = read(&file)?;
            project.add_seg(&display(&file), stem_of(&file), text);
        }
        Ok(project)
    }
}

/// The nearest folder at or above `start` that holds a `segc.toml`.
pub fn find_root(start: &Path) -> Option<PathBuf> {
    let start = std::fs::canonicalize(start).ok()?;
    start
        .ancestors()
        .find(|dir| dir.join(SCHEMA_FILE).is_file())
        .map(relative_to_cwd)
}

/// Keeps paths short in messages: relative to the working folder when inside it.
fn relative_to_cwd(dir: &Path) -> PathBuf {
    let cwd = std::env::current_dir()
        .ok()
        .and_then(|c| std::fs::canonicalize(c).ok());
    match cwd.and_then(|c| dir.strip_prefix(&c).ok().map(Path::to_path_buf)) {
        Some(rel) if rel.as_os_str().is_empty() => PathBuf::from("."),
        Some(rel) => rel,
        None => dir.to_path_buf(),
    }
}

/// The folder a path names: itself when it is one, else the folder holding
/// the file (`.` for a bare file name).
pub fn folder_of(path: &Path) -> &Path {
    if path.is_dir() {
        return path;
    }
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// Every file below `dir` that `wanted` accepts, skipping hidden folders and
/// `target`: where a project's `.seg` files and its test files are found.
pub fn find_files(
    dir: &Path,
    wanted: &dyn Fn(&Path) -> bool,
    out: &mut Vec<PathBuf>,
) -> io::Result<()> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", dir.display())))?;
    for entry in entries {
        let path = entry?.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.starts_with('.') {
            continue;
        }
        if path.is_dir() {
            if name != "target" {
                find_files(&path, wanted, out)?;
            }
        } else if wanted(&path) {
            out.push(path);
        }
    }
    Ok(())
}

fn read(path: &Path) -> io::Result<String> {
    std::fs::read_to_string(path)
        .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", path.display())))
}

fn display(path: &Path) -> String {
    let text = path.display().to_string();
    text.strip_prefix("./").map(str::to_string).unwrap_or(text)
}

fn stem_of(path: &Path) -> String {
    path.file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("")
        .to_string()
}

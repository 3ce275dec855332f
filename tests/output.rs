//! What the output folder goes through: builds killed at random moments,
//! two builds at once, a mount point, a full disk, refused folders. At
//! every instant it holds the whole old site or the whole new one.

mod common;

use std::collections::hash_map::DefaultHasher;
use std::collections::BTreeMap;
use std::fs;
use std::hash::{Hash, Hasher};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::*;

const BASE: &str = "https://example.org/";

/// Every file of a site under `dir` but hidden ones, with a hash of its bytes.
fn digest(dir: &Path) -> BTreeMap<String, u64> {
    walkdir::WalkDir::new(dir)
        .min_depth(1)
        .into_iter()
        .filter_entry(|e| !e.file_name().to_string_lossy().starts_with('.'))
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let mut hasher = DefaultHasher::new();
            fs::read(e.path()).unwrap().hash(&mut hasher);
            let relative = e.path().strip_prefix(dir).unwrap();
            (relative.to_string_lossy().into_owned(), hasher.finish())
        })
        .collect()
}

/// A site of `count` articles; `revision` changes titles and bodies of every
/// third article and which articles exist, so that an update build changes,
/// adds and removes many pages.
fn generated(count: usize, revision: usize) -> Site {
    let site = Site::new(BASE, 10);
    for i in 0..count + revision * 20 {
        if revision > 0 && i % 17 == 0 {
            continue;
        }
        let edited = if i % 3 == 0 { revision } else { 0 };
        let cities = ["wuxi", "xuzhou", "hainan-prefecture"][i % 3];
        site.article(
            &format!("news/{}/a{i}.md", 2015 + i % 8),
            &format!(
                "title = \"Report {i} v{edited}\"\ndate = {}-{:02}-{:02}\ncities = [\"{cities}\"]",
                2015 + i % 8,
                1 + i % 12,
                1 + i % 28
            ),
            &format!("Body of report {i}, revision {edited}.\n\nMore text follows.\n"),
        );
    }
    site
}

fn build_into(site: &Site, output: &Path) -> std::process::Output {
    site.build(&["--output", output.to_str().unwrap()])
}

/// Entries beside `output` that a build left: staging folders and lock
/// files, but not the spare folder that the next build reuses.
fn leftovers_beside(output: &Path) -> Vec<String> {
    fs::read_dir(output.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.contains("concord-") && !name.ends_with(".concord-spare"))
        .collect()
}

/// A small pseudo-random sequence, so that a failing run can be repeated with its seed.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
}

#[test]
fn builds_killed_at_random_moments_leave_the_old_or_the_new_site() {
    let kills: usize = std::env::var("CONCORD_KILLS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(6);
    let seed = std::env::var("CONCORD_KILL_SEED")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(7);
    let versions = [generated(1500, 0), generated(1500, 1)];
    let work = tempfile::tempdir().unwrap();
    let references: Vec<BTreeMap<String, u64>> = versions
        .iter()
        .enumerate()
        .map(|(i, site)| {
            let reference = work.path().join(format!("reference-{i}"));
            assert!(build_into(site, &reference).status.success());
            digest(&reference)
        })
        .collect();
    assert_ne!(references[0], references[1]);
    let output = work.path().join("public");
    assert!(build_into(&versions[0], &output).status.success());
    fs::create_dir_all(output.join(".git")).unwrap();
    fs::write(output.join(".git/HEAD"), "ref: refs/heads/main\n").unwrap();

    let started = Instant::now();
    assert!(build_into(&versions[1], &output).status.success());
    let build_time = started.elapsed();

    let mut random = Lcg(seed);
    let mut killed = 0;
    let mut interrupted = 0;
    for round in 0..kills {
        let current = digest(&output);
        let now = references
            .iter()
            .position(|r| *r == current)
            .unwrap_or_else(|| panic!("round {round} (seed {seed}): the output is neither site"));
        let target = &versions[1 - now];
        let mut child = Command::new(env!("CARGO_BIN_EXE_concord"))
            .args(["build", "--root"])
            .arg(target.root())
            .arg("--output")
            .arg(&output)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Most kills fall late in the build, when files reach the output folder.
        let total = build_time.as_millis() as u64 + 1;
        let delay = match random.next() % 4 {
            0 => random.next() % total,
            _ => total / 2 + random.next() % total.div_ceil(2),
        };
        std::thread::sleep(Duration::from_millis(delay));
        if random.next().is_multiple_of(2) {
            child.kill().unwrap();
            killed += 1;
        } else {
            Command::new("kill")
                .args(["-INT", &child.id().to_string()])
                .status()
                .unwrap();
            interrupted += 1;
        }
        child.wait().unwrap();
        let after = digest(&output);
        assert!(
            references.contains(&after),
            "round {round} (seed {seed}, killed after {delay} ms): the output is a mix of the two sites"
        );
    }
    assert!(build_into(&versions[1], &output).status.success());
    assert_eq!(
        digest(&output),
        references[1],
        "the next build completes the site"
    );
    assert!(
        output.join(".git/HEAD").is_file(),
        "the publishing checkout survives"
    );
    assert!(
        leftovers_beside(&output).is_empty(),
        "{:?}",
        leftovers_beside(&output)
    );
    eprintln!("{kills} builds stopped: {killed} by SIGKILL, {interrupted} by SIGINT (seed {seed})");
}

#[cfg(unix)]
fn inode(path: &Path) -> u64 {
    use std::os::unix::fs::MetadataExt;
    fs::metadata(path).unwrap().ino()
}

#[cfg(unix)]
#[test]
fn unchanged_files_keep_their_inode_and_time_across_a_swap() {
    let site = generated(30, 0);
    site.build_ok(&[]);
    let unchanged = site.output().join("news/report-1-v0/index.html");
    let (before, modified) = (
        inode(&unchanged),
        fs::metadata(&unchanged).unwrap().modified().unwrap(),
    );
    site.article(
        "news/2015/a0.md",
        "title = \"Report 0 edited\"\ndate = 2015-01-01\ncities = [\"wuxi\"]",
        "Changed.\n",
    );
    std::thread::sleep(Duration::from_millis(20));
    let output = site.build_ok(&[]);
    assert!(stdout(&output).contains("changed"), "{}", stdout(&output));
    assert_eq!(inode(&unchanged), before, "the same file, not a copy");
    assert_eq!(
        fs::metadata(&unchanged).unwrap().modified().unwrap(),
        modified
    );
    assert!(site
        .output()
        .join("news/report-0-edited/index.html")
        .is_file());
}

/// Holds the output folder's lock as another build would.
fn hold_lock(output: &Path) -> fs::File {
    let name = output.file_name().unwrap().to_string_lossy();
    let path = output.with_file_name(format!(".{name}.concord-lock"));
    let mut file = fs::OpenOptions::new()
        .create(true)
        .truncate(true)
        .write(true)
        .open(path)
        .unwrap();
    file.lock().unwrap();
    write!(file, "424242").unwrap();
    file
}

#[test]
fn a_second_build_fails_at_once_with_no_wait_and_touches_nothing() {
    let site = generated(5, 0);
    site.build_ok(&[]);
    let before = site.snapshot();
    let lock = hold_lock(&site.output());
    let live = site.root().join(".public.concord-staging-424242");
    fs::create_dir_all(live.join("news")).unwrap();
    let output = site.build(&["--no-wait"]);
    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    assert!(
        message.contains("another build is writing to") && message.contains("(process 424242)"),
        "{message}"
    );
    assert!(message.contains("help: wait for it to finish"), "{message}");
    assert!(
        live.is_dir(),
        "another build's staging folder is left alone"
    );
    assert_eq!(site.snapshot(), before);
    drop(lock);
}

#[test]
fn a_second_build_waits_for_the_first_and_then_builds() {
    let site = generated(5, 0);
    site.build_ok(&[]);
    let lock = hold_lock(&site.output());
    let abandoned = site.root().join(".public.concord-staging-424242");
    fs::create_dir_all(&abandoned).unwrap();
    let child = Command::new(env!("CARGO_BIN_EXE_concord"))
        .args(["build", "--root"])
        .arg(site.root())
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    assert!(
        abandoned.is_dir(),
        "nothing is cleared while the lock is held"
    );
    drop(lock);
    let output = child.wait_with_output().unwrap();
    let message = stderr(&output);
    assert!(output.status.success(), "{message}");
    assert!(
        message.contains("waiting for another build (process 424242)"),
        "{message}"
    );
    assert!(
        !abandoned.exists(),
        "an abandoned staging folder goes once the lock is free"
    );
    assert!(leftovers_beside(&site.output()).is_empty());
}

#[test]
fn a_refused_output_folder_leaves_nothing_behind() {
    let site = generated(3, 0);
    let inside = site.root().join("content/deep/public");
    let output = site.build(&["--output", inside.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("inside `content/`"),
        "{}",
        stderr(&output)
    );
    assert!(
        !site.root().join("content/deep").exists(),
        "no folder was created"
    );

    site.write("notes.txt", "my notes");
    let file = site.root().join("notes.txt");
    let output = site.build(&["--output", file.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("it is a file"),
        "{}",
        stderr(&output)
    );
    assert_eq!(fs::read_to_string(&file).unwrap(), "my notes");
    assert!(
        leftovers_beside(&file).is_empty(),
        "{:?}",
        leftovers_beside(&file)
    );
}

/// A tmpfs mounted for one test. Mounting needs root: outside CI a test
/// that cannot mount says so and passes; under CI it fails.
struct Mount(PathBuf);

impl Mount {
    fn tmpfs(at: &Path, size: &str) -> Option<Mount> {
        fs::create_dir_all(at).unwrap();
        let mounted = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(at)
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !mounted {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI runs as root and must be able to mount a tmpfs"
            );
            eprintln!("skipped: cannot mount a tmpfs here (needs root)");
            return None;
        }
        Some(Mount(at.to_path_buf()))
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

#[test]
fn an_empty_mount_point_is_a_good_output_folder() {
    let site = generated(20, 0);
    let output = site.output();
    let Some(_mount) = Mount::tmpfs(&output, "16m") else {
        return;
    };
    let built = site.build(&[]);
    assert!(built.status.success(), "{}", stderr(&built));
    assert!(output.join("index.html").is_file());
    site.article(
        "news/2015/a0.md",
        "title = \"Report 0 edited\"\ndate = 2015-01-01\ncities = [\"wuxi\"]",
        "Changed.\n",
    );
    site.build_ok(&[]);
    let fresh = tempfile::tempdir().unwrap();
    build_into(&site, &fresh.path().join("site"));
    assert_eq!(digest(&output), digest(&fresh.path().join("site")));
    let inside: Vec<_> = fs::read_dir(&output)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.contains("concord-"))
        .collect();
    assert!(inside.is_empty(), "{inside:?}");
    assert!(leftovers_beside(&output).is_empty());
}

#[test]
fn a_disk_that_fills_leaves_no_truncated_page() {
    let site = generated(10, 0);
    let output = site.output();
    let Some(_mount) = Mount::tmpfs(&output, "1m") else {
        return;
    };
    site.build_ok(&[]);
    let before = digest(&output);
    let long_body = "Cooperation news. ".repeat(20_000);
    for i in 0..8 {
        site.article(
            &format!("news/big/b{i}.md"),
            &format!(
                "title = \"Big {i}\"\ndate = 2020-01-0{}\ncities = [\"wuxi\"]",
                i + 1
            ),
            &long_body,
        );
    }
    let failed = site.build(&[]);
    assert_eq!(failed.status.code(), Some(1), "{}", stderr(&failed));
    assert!(
        stderr(&failed).contains("No space left"),
        "{}",
        stderr(&failed)
    );
    assert_eq!(digest(&output), before, "every file is the old one, whole");
}

#[test]
fn the_spare_folder_follows_every_change_between_builds() {
    let site = generated(12, 0);
    let output = site.output();
    let fresh = |label: &str| {
        let reference = tempfile::tempdir().unwrap();
        let path = reference.path().join("site");
        assert!(build_into(&site, &path).status.success());
        assert_eq!(digest(&output), digest(&path), "{label}");
    };
    site.write("static/docs", "a file");
    site.build_ok(&[]);
    fs::create_dir_all(output.join(".git")).unwrap();
    fs::write(output.join(".git/HEAD"), "ref: refs/heads/main\n").unwrap();
    fs::remove_file(site.root().join("static/docs")).unwrap();
    site.write("static/docs/guide.txt", "now a folder");
    site.build_ok(&[]);
    fresh("a file became a folder");
    fs::remove_dir_all(site.root().join("static/docs")).unwrap();
    site.write("static/docs", "a file again");
    site.article(
        "news/2015/a0.md",
        "title = \"Report 0 renamed\"\ndate = 2015-01-01\ncities = [\"wuxi\"]",
        "Changed.\n",
    );
    site.build_ok(&[]);
    fresh("a folder became a file, and an article moved");
    let spare = site.root().join(".public.concord-spare");
    assert!(
        spare.is_dir(),
        "the previous site is kept for the next build"
    );
    fs::rename(output.join(".git"), spare.join(".git")).unwrap();
    site.write("static/new.txt", "new");
    site.build_ok(&[]);
    fresh("after a build stopped before moving .git");
    assert!(
        output.join(".git/HEAD").is_file(),
        "a .git left in the spare folder comes back"
    );
}

#[test]
fn a_site_left_aside_by_a_stopped_swap_comes_back_with_its_git() {
    let site = generated(8, 0);
    site.build_ok(&[]);
    let output = site.output();
    fs::create_dir_all(output.join(".git")).unwrap();
    fs::write(output.join(".git/HEAD"), "ref: refs/heads/main\n").unwrap();
    let aside = site.root().join(".public.concord-staging-424242-old");
    fs::rename(&output, &aside).unwrap();
    site.build_ok(&[]);
    assert!(
        output.join(".git/HEAD").is_file(),
        "the old site, .git and all, came back"
    );
    assert!(!aside.exists());
}

#[test]
fn a_git_left_in_the_spare_comes_back_even_when_nothing_changed() {
    let site = generated(8, 0);
    site.build_ok(&[]);
    site.write("static/one.txt", "1");
    site.build_ok(&[]);
    let spare = site.root().join(".public.concord-spare");
    fs::create_dir_all(spare.join(".git")).unwrap();
    fs::write(spare.join(".git/HEAD"), "ref: refs/heads/main\n").unwrap();
    site.build_ok(&[]);
    assert!(site.output().join(".git/HEAD").is_file());
}

#[cfg(unix)]
#[test]
fn a_link_in_the_output_folder_is_never_written_through() {
    let site = generated(8, 0);
    site.write("static/files/index.html", "the site's own page");
    let outside = tempfile::tempdir().unwrap();
    fs::write(outside.path().join("index.html"), "mine").unwrap();
    site.build_ok(&[]);
    fs::remove_dir_all(site.output().join("files")).unwrap();
    std::os::unix::fs::symlink(outside.path(), site.output().join("files")).unwrap();
    for round in 0..3 {
        site.write("static/round.txt", &round.to_string());
        site.build_ok(&[]);
    }
    assert_eq!(
        fs::read_to_string(outside.path().join("index.html")).unwrap(),
        "mine"
    );
    assert_eq!(fs::read_dir(outside.path()).unwrap().count(), 1);
    let fresh = tempfile::tempdir().unwrap();
    build_into(&site, &fresh.path().join("site"));
    assert_eq!(digest(&site.output()), digest(&fresh.path().join("site")));
}

#[test]
fn a_path_written_twice_keeps_its_last_bytes_build_after_build() {
    let site = generated(8, 0);
    site.write("static/404.html", "a static 404 page");
    site.build_ok(&[]);
    let first = fs::read_to_string(site.output().join("404.html")).unwrap();
    site.write("static/other.txt", "changed");
    site.build_ok(&[]);
    assert_eq!(
        fs::read_to_string(site.output().join("404.html")).unwrap(),
        first
    );
    let fresh = tempfile::tempdir().unwrap();
    build_into(&site, &fresh.path().join("site"));
    assert_eq!(digest(&site.output()), digest(&fresh.path().join("site")));
}

#[test]
fn a_fresh_clone_of_a_deploy_repository_is_a_good_output_folder() {
    let site = generated(4, 0);
    fs::create_dir_all(site.output().join(".git")).unwrap();
    fs::write(site.output().join(".git/HEAD"), "ref: refs/heads/main\n").unwrap();
    site.build_ok(&[]);
    assert!(site.output().join("index.html").is_file());
    assert!(site.output().join(".git/HEAD").is_file());
}

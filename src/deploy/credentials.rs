//! Credentials for a bucket, from where every S3 tool looks: the
//! environment (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`,
//! `AWS_SESSION_TOKEN`, `AWS_REGION`), then the shared files
//! (`~/.aws/credentials` and `~/.aws/config`, the profile `AWS_PROFILE` or
//! `default`). Never from config.toml, which is committed with the site.

use std::path::PathBuf;

#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    pub key_id: String,
    pub secret: String,
    pub token: Option<String>,
}

// Never print a secret, even in a debug dump.
impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Credentials {{ key_id: {:?}, .. }}", self.key_id)
    }
}

/// Where credentials come from, and the region when one is set there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Keys(Credentials),
    /// A container or web-identity role, which the S3 client asks for itself.
    Role,
}

pub type Env<'e> = dyn Fn(&str) -> Option<String> + 'e;

/// The credentials to use, or what is missing, as a sentence for the user.
pub fn find(env: &Env<'_>) -> Result<Source, String> {
    let var = |name: &str| var(env, name);
    if let (Some(key_id), Some(secret)) = (var("AWS_ACCESS_KEY_ID"), var("AWS_SECRET_ACCESS_KEY")) {
        return Ok(Source::Keys(Credentials {
            key_id,
            secret,
            token: var("AWS_SESSION_TOKEN"),
        }));
    }
    if var("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI").is_some()
        || var("AWS_WEB_IDENTITY_TOKEN_FILE").is_some()
    {
        return Ok(Source::Role);
    }
    let profile = profile(env);
    let file = shared_file(env, "AWS_SHARED_CREDENTIALS_FILE", "credentials");
    let text = file
        .as_ref()
        .and_then(|path| std::fs::read_to_string(path).ok());
    let section = text.as_deref().and_then(|text| section(text, &profile));
    let value = |key: &str| section.as_ref().and_then(|s| lookup(s, key));
    match (value("aws_access_key_id"), value("aws_secret_access_key")) {
        (Some(key_id), Some(secret)) => Ok(Source::Keys(Credentials {
            key_id,
            secret,
            token: value("aws_session_token"),
        })),
        _ => Err(format!(
            "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set, and {} has no profile `{profile}` with `aws_access_key_id` and `aws_secret_access_key`",
            file.map_or("~/.aws/credentials".to_string(), |path| path.display().to_string())
        )),
    }
}

/// The region from the environment or the shared config file, if any.
pub fn region(env: &Env<'_>) -> Option<String> {
    if let Some(region) = var(env, "AWS_REGION").or_else(|| var(env, "AWS_DEFAULT_REGION")) {
        return Some(region);
    }
    let profile = profile(env);
    let name = if profile == "default" {
        profile
    } else {
        format!("profile {profile}")
    };
    let file = shared_file(env, "AWS_CONFIG_FILE", "config")?;
    let text = std::fs::read_to_string(file).ok()?;
    lookup(&section(&text, &name)?, "region")
}

/// An environment variable; set but empty is not set.
fn var(env: &Env<'_>, name: &str) -> Option<String> {
    env(name).filter(|value| !value.is_empty())
}

/// The profile of the shared files: `AWS_PROFILE`, or `default`.
fn profile(env: &Env<'_>) -> String {
    var(env, "AWS_PROFILE").unwrap_or_else(|| "default".to_string())
}

fn shared_file(env: &Env<'_>, variable: &str, name: &str) -> Option<PathBuf> {
    env(variable)
        .map(PathBuf::from)
        .or_else(|| env("HOME").map(|home| PathBuf::from(home).join(".aws").join(name)))
}

/// The lines of `[name]` in an INI file.
fn section(text: &str, name: &str) -> Option<Vec<(String, String)>> {
    let mut lines = text.lines().map(str::trim);
    lines.find(|line| {
        line.strip_prefix('[')
            .and_then(|l| l.strip_suffix(']'))
            .map(str::trim)
            == Some(name)
    })?;
    Some(
        lines
            .take_while(|line| !line.starts_with('['))
            .filter(|line| !line.starts_with('#') && !line.starts_with(';'))
            .filter_map(|line| line.split_once('='))
            .map(|(key, value)| (key.trim().to_string(), value.trim().to_string()))
            .collect(),
    )
}

fn lookup(section: &[(String, String)], key: &str) -> Option<String> {
    section
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, value)| value.clone())
        .filter(|value| !value.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |name| vars.get(name).cloned()
    }

    #[test]
    fn the_environment_comes_before_the_files() {
        let found = find(&env(&[
            ("AWS_ACCESS_KEY_ID", "AKID"),
            ("AWS_SECRET_ACCESS_KEY", "s3cret"),
        ]));
        assert_eq!(
            found,
            Ok(Source::Keys(Credentials {
                key_id: "AKID".into(),
                secret: "s3cret".into(),
                token: None
            }))
        );
        assert!(!format!("{found:?}").contains("s3cret"));
    }

    #[test]
    fn the_shared_files_give_the_chosen_profile_and_its_region() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join(".aws")).unwrap();
        std::fs::write(
            dir.path().join(".aws/credentials"),
            "[default]\naws_access_key_id = A\naws_secret_access_key = B\n\n[news]\n# the newsroom's\naws_access_key_id=C\naws_secret_access_key=D\n",
        )
        .unwrap();
        std::fs::write(
            dir.path().join(".aws/config"),
            "[default]\nregion = us-east-1\n[profile news]\nregion = cn-north-1\n",
        )
        .unwrap();
        let home = dir.path().to_str().unwrap();
        let news = env(&[("HOME", home), ("AWS_PROFILE", "news")]);
        assert_eq!(
            find(&news),
            Ok(Source::Keys(Credentials {
                key_id: "C".into(),
                secret: "D".into(),
                token: None
            }))
        );
        assert_eq!(region(&news).as_deref(), Some("cn-north-1"));
        assert_eq!(
            region(&env(&[("HOME", home)])).as_deref(),
            Some("us-east-1")
        );
    }

    #[test]
    fn nothing_found_says_where_it_looked() {
        let missing = find(&env(&[("HOME", "/nonexistent"), ("AWS_PROFILE", "news")])).unwrap_err();
        assert!(
            missing.contains("/nonexistent/.aws/credentials has no profile `news`"),
            "{missing}"
        );
    }
}

//! A bucket of Amazon S3 or of any S3-compatible service (MinIO, Ceph,
//! Alibaba OSS, Tencent COS, Cloudflare R2) as a deploy target, through
//! Apache Arrow's `object_store`, which signs requests and retries failed
//! ones with backoff.

use std::collections::HashMap;
use std::time::Duration;

use futures_util::StreamExt;
use object_store::aws::{AmazonS3, AmazonS3Builder};
use object_store::path::Path as Key;
use object_store::{
    Attribute, AttributeValue, Attributes, BackoffConfig, ClientOptions, ObjectStore,
    ObjectStoreExt, PutOptions, PutPayload, RetryConfig,
};

use super::credentials::{self, Source};
use super::plan::{normalize_etag, Remote, MANIFEST};
use super::DeployError;
use crate::config::Target;

pub struct Bucket {
    store: AmazonS3,
    bucket: String,
    prefix: String,
    target: String,
    endpoint: String,
}

impl Bucket {
    pub fn connect(target: &Target, bucket: &str, prefix: &str) -> Result<Bucket, DeployError> {
        let env = |name: &str| std::env::var(name).ok();
        let source = credentials::find(&env).map_err(|detail| DeployError::NoCredentials {
            target: target.name.clone(),
            detail,
        })?;
        let region = target
            .region
            .clone()
            .or_else(|| credentials::region(&env))
            .unwrap_or_else(|| "us-east-1".to_string());
        let mut builder = AmazonS3Builder::from_env()
            .with_bucket_name(bucket)
            .with_region(region)
            .with_retry(retry())
            .with_client_options(
                // A request may take long (a large file over a slow uplink,
                // shared by every upload in flight) but not sit silent long.
                ClientOptions::new()
                    .with_connect_timeout(Duration::from_secs(5))
                    .with_read_timeout(Duration::from_secs(60))
                    .with_timeout(Duration::from_secs(600)),
            );
        if let Source::Keys(keys) = source {
            builder = builder
                .with_access_key_id(keys.key_id)
                .with_secret_access_key(keys.secret);
            if let Some(token) = keys.token {
                builder = builder.with_token(token);
            }
        }
        if let Some(endpoint) = &target.endpoint {
            builder = builder
                .with_endpoint(endpoint)
                .with_allow_http(endpoint.starts_with("http://"));
        }
        let store = builder.build().map_err(|error| DeployError::Store {
            target: target.name.clone(),
            detail: short(&error.to_string()),
        })?;
        Ok(Bucket {
            store,
            bucket: bucket.to_string(),
            prefix: prefix.to_string(),
            target: target.name.clone(),
            endpoint: target
                .endpoint
                .clone()
                .unwrap_or_else(|| "Amazon S3".to_string()),
        })
    }

    /// The object's key: the path as it is (`Key::from` would percent-encode
    /// a Chinese file name into a key no reader asks for).
    fn key(&self, path: &str) -> Result<Key, String> {
        let key = match self.prefix.as_str() {
            "" => path.to_string(),
            prefix => format!("{prefix}/{path}"),
        };
        Key::parse(&key).map_err(|error| format!("`{key}` cannot be a key: {error}"))
    }

    /// Every object under the prefix, by its path in the site.
    pub async fn list(&self) -> Result<HashMap<String, Remote>, DeployError> {
        let prefix = match self.prefix.as_str() {
            "" => None,
            prefix => Some(Key::parse(prefix).map_err(|error| DeployError::Store {
                target: self.target.clone(),
                detail: format!("the folder `{prefix}` of the URL cannot be a key prefix: {error}"),
            })?),
        };
        let mut listing = self.store.list(prefix.as_ref());
        let mut objects = HashMap::new();
        while let Some(object) = listing.next().await {
            let object = object.map_err(|error| self.explain(&error))?;
            let key = object.location.to_string();
            let path = match self.prefix.as_str() {
                "" => key.as_str(),
                prefix => key
                    .strip_prefix(prefix)
                    .and_then(|rest| rest.strip_prefix('/'))
                    .unwrap_or(&key),
            };
            let etag = object.e_tag.as_deref().map(normalize_etag);
            objects.insert(path.to_string(), Remote { etag });
        }
        Ok(objects)
    }

    /// The manifest's bytes; a missing or unreadable one is no manifest.
    pub async fn manifest(&self) -> Option<Vec<u8>> {
        let object = self.store.get(&self.key(MANIFEST).ok()?).await.ok()?;
        object.bytes().await.ok().map(|bytes| bytes.to_vec())
    }

    /// Stores one file; returns its ETag as the store gave it back.
    pub async fn put(
        &self,
        path: &str,
        body: Vec<u8>,
        headers: &super::headers::Headers,
    ) -> Result<Option<String>, String> {
        let mut attributes = Attributes::new();
        attributes.insert(
            Attribute::ContentType,
            AttributeValue::from(headers.content_type.clone()),
        );
        attributes.insert(
            Attribute::CacheControl,
            AttributeValue::from(headers.cache_control.clone()),
        );
        if headers.gzip {
            attributes.insert(Attribute::ContentEncoding, AttributeValue::from("gzip"));
        }
        let options = PutOptions {
            attributes,
            ..PutOptions::default()
        };
        self.store
            .put_opts(&self.key(path)?, PutPayload::from(body), options)
            .await
            .map(|result| result.e_tag.as_deref().map(normalize_etag))
            .map_err(|error| short(&error.to_string()))
    }

    pub async fn delete(&self, path: &str) -> Result<(), String> {
        self.store
            .delete(&self.key(path)?)
            .await
            .map_err(|error| short(&error.to_string()))
    }

    /// The error a user can act on, from the first request's failure.
    fn explain(&self, error: &object_store::Error) -> DeployError {
        let text = error.to_string();
        let target = self.target.clone();
        let denied = matches!(
            error,
            object_store::Error::PermissionDenied { .. }
                | object_store::Error::Unauthenticated { .. }
        );
        let status = status(&text).unwrap_or_default();
        match s3_code(&text).unwrap_or_default() {
            "NoSuchBucket" => DeployError::NoBucket {
                target,
                bucket: self.bucket.clone(),
            },
            _ if denied || status.starts_with("401") || status.starts_with("403") => {
                DeployError::Denied {
                    target,
                    detail: short(&text),
                }
            }
            _ if text.contains("error sending request") => DeployError::Unreachable {
                target,
                endpoint: self.endpoint.clone(),
                detail: short(&text),
            },
            _ => DeployError::Store {
                target,
                detail: short(&text),
            },
        }
    }
}

fn retry() -> RetryConfig {
    RetryConfig {
        backoff: BackoffConfig {
            init_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(5),
            base: 2.0,
        },
        max_retries: 4,
        retry_timeout: Duration::from_secs(60),
    }
}

/// A store's error in a few words: its HTTP status and S3 error code
/// (`403 Forbidden (InvalidAccessKeyId)`), or how the connection failed.
/// The whole text runs to many lines: a request URL, an XML body, retries.
fn short(text: &str) -> String {
    if let Some(status) = status(text) {
        return match s3_code(text) {
            Some(code) => format!("{status} ({code})"),
            None => status.to_string(),
        };
    }
    if text.contains("error sending request") {
        let retries = if text.contains("after") {
            ", after retrying"
        } else {
            ""
        };
        return format!("no connection{retries}");
    }
    text.lines().next().unwrap_or(text).trim().to_string()
}

/// `403 Forbidden` from `…status code: 403 Forbidden: <?xml…`.
fn status(text: &str) -> Option<&str> {
    let after = text.split_once("status code: ")?.1;
    let end = after.find(':').unwrap_or(after.len());
    Some(after[..end].trim())
}

/// `NoSuchBucket` from the XML body's `<Code>NoSuchBucket</Code>`.
fn s3_code(text: &str) -> Option<&str> {
    let after = text.split_once("<Code>")?.1;
    Some(&after[..after.find("</Code>")?])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_store_error_is_told_in_a_few_words() {
        let denied = "Generic S3 error: Error performing list request: Error performing GET http://127.0.0.1:4599/site?list-type=2 in 2ms - Server returned non-2xx status code: 403 Forbidden: <?xml version=\"1.0\"?>\n<Error><Code>InvalidAccessKeyId</Code><Message>The key…</Message></Error>";
        assert_eq!(short(denied), "403 Forbidden (InvalidAccessKeyId)");
        let refused = "Generic S3 error: Error performing list request: Error performing GET http://127.0.0.1:4598/site in 1.03s, after 4 retries, max_retries: 4, retry_timeout: 60s  - HTTP error: error sending request";
        assert_eq!(short(refused), "no connection, after retrying");
    }
}

//! Fresh databases for tests, on the engine the run asks for.
//!
//! `cargo test` uses SQLite (a file in a temp directory). With `KREDIVO_TEST_STORE=postgres`
//! every test gets its own new database in the PostgreSQL server at
//! `KREDIVO_TEST_POSTGRES_URL` (a superuser URL, e.g.
//! `postgres://postgres@127.0.0.1:5432/postgres`); `cargo xtask test` runs the proxy's suite
//! both ways against a throwaway cluster it starts itself.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};

use sqlx::Connection;

use super::{Backend, StoreError};

/// Which engine this test run uses.
pub fn backend_under_test() -> Backend {
    match std::env::var("KREDIVO_TEST_STORE").as_deref() {
        Ok("postgres") => Backend::Postgres,
        _ => Backend::Sqlite,
    }
}

/// A database that exists for one test. A SQLite file is removed on drop; a PostgreSQL
/// database stays until the throwaway cluster goes (dropping one needs its connections
/// closed, which a test's pool may not have done yet).
#[derive(Debug)]
pub struct TestDatabase {
    /// The `DATABASE_URL` to open.
    pub url: String,
    dir: Option<PathBuf>,
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Some(dir) = &self.dir {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

fn unique(label: &str) -> String {
    static N: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let label: String = label
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .take(20)
        .collect::<String>()
        .to_ascii_lowercase();
    format!(
        "{label}_{}_{}_{nanos}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    )
}

/// A new, empty database on the engine of [`backend_under_test`].
///
/// # Panics
/// When the run asks for PostgreSQL without saying where it is: a misconfigured run must not
/// quietly test SQLite instead.
pub async fn fresh_database(label: &str) -> Result<TestDatabase, StoreError> {
    let name = unique(label);
    match backend_under_test() {
        Backend::Sqlite => {
            let dir = std::env::temp_dir().join(format!("kredivo-test-{name}"));
            std::fs::create_dir_all(&dir).map_err(|source| StoreError::Io {
                path: dir.display().to_string(),
                source,
            })?;
            Ok(TestDatabase {
                url: format!("sqlite://{}", dir.join("kredivo.db").display()),
                dir: Some(dir),
            })
        }
        Backend::Postgres => {
            let admin = std::env::var("KREDIVO_TEST_POSTGRES_URL").unwrap_or_else(|_| {
                panic!("KREDIVO_TEST_STORE=postgres needs KREDIVO_TEST_POSTGRES_URL")
            });
            let mut conn = sqlx::PgConnection::connect(&admin).await?;
            sqlx::query(&format!("CREATE DATABASE {name}"))
                .execute(&mut conn)
                .await?;
            conn.close().await?;
            let base = admin
                .rsplit_once('/')
                .map(|(base, _)| base)
                .unwrap_or(&admin);
            Ok(TestDatabase {
                url: format!("{base}/{name}"),
                dir: None,
            })
        }
    }
}

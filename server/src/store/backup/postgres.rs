//! PostgreSQL backup and restore with `COPY` (see [`super::archive`] for the file).

use std::path::Path;

use futures_util::StreamExt;
use sqlx::{AssertSqlSafe, Connection, PgConnection, Row};

use super::archive::{self, ArchiveReader, ArchiveWriter, Header, MigrationStamp};
use super::{BackupError, Summary, restorable_to};
use crate::store::{Backend, PG_MIGRATIONS};

/// The migrations bookkeeping table of sqlx; backed up and restored like the others.
const MIGRATIONS_TABLE: &str = "_sqlx_migrations";

fn ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

async fn exec(conn: &mut PgConnection, sql: String) -> Result<(), BackupError> {
    sqlx::raw_sql(AssertSqlSafe(sql)).execute(conn).await?;
    Ok(())
}

/// The tables of the current schema, by name.
async fn tables(conn: &mut PgConnection) -> Result<Vec<String>, BackupError> {
    Ok(sqlx::query_scalar(
        "SELECT tablename::text FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename",
    )
    .fetch_all(conn)
    .await?)
}

/// A table's stored columns in order (generated columns are recomputed, not copied).
async fn columns(conn: &mut PgConnection, table: &str) -> Result<Vec<String>, BackupError> {
    Ok(sqlx::query_scalar(concat!(
        "SELECT a.attname::text FROM pg_attribute a ",
        "JOIN pg_class c ON c.oid = a.attrelid ",
        "WHERE c.relname = $1 AND c.relnamespace = current_schema()::regnamespace ",
        "AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = '' ",
        "ORDER BY a.attnum"
    ))
    .bind(table)
    .fetch_all(conn)
    .await?)
}

async fn applied_migrations(conn: &mut PgConnection) -> Result<Vec<(i64, Vec<u8>)>, BackupError> {
    let present: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM pg_tables WHERE schemaname = current_schema() AND tablename = '_sqlx_migrations')",
    )
    .fetch_one(&mut *conn)
    .await?;
    if !present {
        return Ok(Vec::new());
    }
    let rows = sqlx::query(
        "SELECT version, checksum FROM _sqlx_migrations WHERE success ORDER BY version",
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .iter()
        .map(|row| (row.get::<i64, _>(0), row.get::<Vec<u8>, _>(1)))
        .collect())
}

pub async fn backup(url: &str, out: &Path) -> Result<Summary, BackupError> {
    let mut conn = PgConnection::connect(url).await?;
    let mut tx = conn
        .begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        .await?;
    let migrations = applied_migrations(&mut tx).await?;
    let header = Header {
        format: archive::FORMAT.into(),
        version: archive::VERSION,
        backend: "postgres".into(),
        server_version: env!("CARGO_PKG_VERSION").into(),
        created_at: chrono::Utc::now().to_rfc3339(),
        migrations: migrations
            .iter()
            .map(|(version, checksum)| MigrationStamp {
                version: *version,
                checksum: hex::encode(checksum),
            })
            .collect(),
    };
    let mut writer = ArchiveWriter::create(out, &header).await?;
    let names = tables(&mut tx).await?;
    let mut rows = 0u64;
    for table in &names {
        let cols = columns(&mut tx, table).await?;
        writer.table(table, &cols).await?;
        let statement = format!(
            "COPY {} ({}) TO STDOUT",
            ident(table),
            cols.iter().map(|c| ident(c)).collect::<Vec<_>>().join(", ")
        );
        let mut stream = tx.copy_out_raw(&statement).await?;
        while let Some(chunk) = stream.next().await {
            let chunk = chunk?;
            // COPY text ends every row with a newline (newlines in values are escaped).
            rows += chunk.iter().filter(|&&b| b == b'\n').count() as u64;
            writer.chunk(&chunk).await?;
        }
        drop(stream);
        writer.end_table().await?;
    }
    writer.finish(names.len()).await?;
    tx.rollback().await?;
    Ok(Summary {
        backend: Backend::Postgres,
        tables: names.len(),
        rows,
    })
}

pub async fn restore(url: &str, input: &Path) -> Result<Summary, BackupError> {
    let (mut reader, header) = ArchiveReader::open(input).await?;
    let stamps = header
        .migrations
        .iter()
        .map(|m| {
            hex::decode(&m.checksum)
                .map(|c| (m.version, c))
                .map_err(|_| BackupError::Corrupt("bad migration checksum".into()))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let target = restorable_to(&PG_MIGRATIONS, &stamps)?;

    let mut conn = PgConnection::connect(url).await?;
    let mut tx = conn.begin().await?;

    // A clean schema at the backup's migration: drop every table, migrate up to it.
    let existing = tables(&mut tx).await?;
    if !existing.is_empty() {
        let list = existing
            .iter()
            .map(|t| ident(t))
            .collect::<Vec<_>>()
            .join(", ");
        exec(&mut tx, format!("DROP TABLE {list} CASCADE")).await?;
    }
    if let Some(target) = target {
        PG_MIGRATIONS.run_to(target, &mut *tx).await?;
    }

    // Rows of tables that reference each other (users <-> files) cannot be loaded in
    // any order: set the foreign keys aside, load, and add them back, which checks
    // every row against them.
    let foreign_keys: Vec<(String, String, String)> = sqlx::query_as(concat!(
        "SELECT conrelid::regclass::text, conname::text, pg_get_constraintdef(oid) ",
        "FROM pg_constraint WHERE contype = 'f' AND connamespace = current_schema()::regnamespace ",
        "ORDER BY conrelid::regclass::text, conname"
    ))
    .fetch_all(&mut *tx)
    .await?;
    for (table, name, _) in &foreign_keys {
        exec(
            &mut tx,
            format!("ALTER TABLE {table} DROP CONSTRAINT {}", ident(name)),
        )
        .await?;
    }

    let schema = tables(&mut tx).await?;
    let mut loaded = 0usize;
    let mut rows = 0u64;
    while let Some((table, cols)) = reader.next_table().await? {
        if !schema.contains(&table) {
            return Err(BackupError::Corrupt(format!(
                "table {table} does not exist in the schema of its migrations"
            )));
        }
        // Migrations may seed rows (and the migrations table has its own): the
        // backup's rows replace them.
        exec(&mut tx, format!("TRUNCATE {}", ident(&table))).await?;
        let statement = format!(
            "COPY {} ({}) FROM STDIN",
            ident(&table),
            cols.iter().map(|c| ident(c)).collect::<Vec<_>>().join(", ")
        );
        let mut copy = tx.copy_in_raw(&statement).await?;
        while let Some(chunk) = reader.next_chunk().await? {
            if let Err(err) = copy.send(chunk).await {
                let _ = copy.abort("invalid data").await;
                return Err(err.into());
            }
        }
        rows += copy.finish().await?;
        loaded += 1;
    }
    if target.is_some() && !schema.iter().any(|t| t == MIGRATIONS_TABLE) {
        return Err(BackupError::Corrupt(
            "no migrations table after migrating".into(),
        ));
    }

    for (table, name, definition) in &foreign_keys {
        exec(
            &mut tx,
            format!(
                "ALTER TABLE {table} ADD CONSTRAINT {} {definition}",
                ident(name)
            ),
        )
        .await?;
    }
    reset_sequences(&mut tx).await?;
    tx.commit().await?;
    Ok(Summary {
        backend: Backend::Postgres,
        tables: loaded,
        rows,
    })
}

/// Moves each identity/serial sequence past the largest restored value.
async fn reset_sequences(conn: &mut PgConnection) -> Result<(), BackupError> {
    let owned: Vec<(String, String, String)> = sqlx::query_as(concat!(
        "SELECT c.relname::text, a.attname::text, ",
        "pg_get_serial_sequence(quote_ident(c.relname), a.attname) ",
        "FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid ",
        "WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r' ",
        "AND a.attnum > 0 AND NOT a.attisdropped ",
        "AND pg_get_serial_sequence(quote_ident(c.relname), a.attname) IS NOT NULL"
    ))
    .fetch_all(&mut *conn)
    .await?;
    for (table, column, sequence) in owned {
        exec(
            conn,
            format!(
                "SELECT setval('{}', COALESCE((SELECT max({}) FROM {}), 0) + 1, false)",
                sequence.replace('\'', "''"),
                ident(&column),
                ident(&table)
            ),
        )
        .await?;
    }
    Ok(())
}

//! Creating an issue in the configured repository (`POST /repos/{owner}/{repo}/issues`).

use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Deserialize;

use super::{ServiceError, client, read_json};
use crate::config::GithubConfig;

#[derive(Clone)]
pub struct Github {
    http: reqwest::Client,
    base: String,
    config: GithubConfig,
}

#[derive(Debug, Clone)]
pub struct CreatedIssue {
    pub number: u64,
    pub html_url: String,
}

impl Github {
    pub fn new(base: &str, config: GithubConfig) -> anyhow::Result<Github> {
        Ok(Github {
            http: client()?,
            base: base.trim_end_matches('/').to_owned(),
            config,
        })
    }

    pub async fn create_issue(
        &self,
        title: &str,
        body: &str,
        labels: &[&str],
    ) -> Result<CreatedIssue, ServiceError> {
        let segment = |s: &str| utf8_percent_encode(s, NON_ALPHANUMERIC).to_string();
        let url = format!(
            "{}/repos/{}/{}/issues",
            self.base,
            segment(&self.config.repo_owner),
            segment(&self.config.repo_name)
        );
        let request = self
            .http
            .post(url)
            .bearer_auth(self.config.api_token.expose())
            .header("Accept", "application/vnd.github+json")
            .header("X-GitHub-Api-Version", "2022-11-28")
            .json(&serde_json::json!({ "title": title, "body": body, "labels": labels }));
        let created: Issue = read_json(request.send().await).await?;
        Ok(CreatedIssue {
            number: created.number,
            html_url: created.html_url,
        })
    }
}

#[derive(Deserialize)]
struct Issue {
    number: u64,
    html_url: String,
}

//! Community theme overrides (COM-1) on both backends: admins set a palette and an
//! accent, members see them in the community and hear of changes live, `null`
//! removes one, and bad values store nothing.

mod common;

use common::ws::Ws;
use common::{Backend, TestServer};
use reqwest::{Method, StatusCode};
use rstest::rstest;
use serde_json::json;

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn admins_theme_a_community_for_its_members(#[case] backend: Backend) {
    let Some(s) = TestServer::start_for_messages(backend).await else {
        return;
    };
    let (_, owner) = s.user("owner").await;
    let (moderator_id, moderator) = s.user("moderator").await;
    let (_, alice) = s.user("alice").await;
    let team = s.team(&owner, "Team", &[&moderator, &alice]).await;
    s.set_role(&owner, team.community, moderator_id, "moderator")
        .await;
    let path = format!("/api/communities/{}", team.community);
    let view = s.get(&path, Some(&alice)).await.expect(StatusCode::OK).body;
    assert_eq!(view["theme"], json!({"palette": null, "accent": null}));

    // Below admin, or with bad values, nothing changes.
    let theme = json!({"theme": {"palette": "forest", "accent": "#2E8B57"}});
    for token in [&alice, &moderator] {
        s.call(Method::PATCH, &path, Some(token), Some(&theme))
            .await
            .expect_error(StatusCode::FORBIDDEN, "insufficient_role");
    }
    for bad in [
        json!({"theme": {"accent": "green"}}),
        json!({"theme": {"accent": "#12345"}}),
        json!({"theme": {"palette": "neon"}}),
        json!({"theme": {"colour": "#123456"}}),
    ] {
        let answer = s.call(Method::PATCH, &path, Some(&owner), Some(&bad)).await;
        assert_eq!(
            answer.status,
            StatusCode::BAD_REQUEST,
            "{bad}: {}",
            answer.body
        );
    }
    assert_eq!(
        s.db.count(
            "SELECT COUNT(*) FROM communities WHERE theme_palette IS NOT NULL OR theme_accent IS NOT NULL",
            &[]
        )
        .await,
        0
    );

    // The owner sets both; members hear it live, lower-cased.
    let mut alice_ws = Ws::connect(&s, &alice).await;
    let set = s
        .call(Method::PATCH, &path, Some(&owner), Some(&theme))
        .await
        .expect(StatusCode::OK)
        .body;
    assert_eq!(
        set["theme"],
        json!({"palette": "forest", "accent": "#2e8b57"})
    );
    let live = alice_ws.expect("community_updated").await;
    assert_eq!(live["community"]["theme"], set["theme"]);
    let mine = s
        .get("/api/communities", Some(&alice))
        .await
        .expect(StatusCode::OK)
        .body;
    assert_eq!(mine[0]["theme"]["palette"], "forest");

    // Only what is sent changes; `null` removes an override.
    let cleared = s
        .call(
            Method::PATCH,
            &path,
            Some(&owner),
            Some(&json!({"theme": {"accent": null}})),
        )
        .await
        .expect(StatusCode::OK)
        .body;
    assert_eq!(
        cleared["theme"],
        json!({"palette": "forest", "accent": null})
    );
    assert_eq!(
        s.db.count(
            "SELECT COUNT(*) FROM communities WHERE id = $1 AND theme_palette = 'forest' AND theme_accent IS NULL",
            &[team.community]
        )
        .await,
        1
    );
}

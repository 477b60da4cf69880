//! Imports: the same content again changes nothing, changed rows make a new version (the
//! old one stays readable), and a file with any bad row leaves the database as it was.

use super::*;

async fn counts(app: &App) -> (usize, usize) {
    (
        shuangsui::store::log::entries(&app.store)
            .await
            .unwrap()
            .len(),
        shuangsui::store::snapshots::all(&app.store)
            .await
            .unwrap()
            .len(),
    )
}

async fn import(
    app: &App,
    kind: Kind,
    name: &str,
    bytes: &[u8],
    encoding: Encoding,
) -> Result<Imported, AppError> {
    app::directory::import(app, kind, name, bytes, Format::Auto, encoding, &|_| {}).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_content_again_changes_nothing_and_a_change_makes_a_new_version() {
    for (app, db) in each_backend().await {
        let original = std::fs::read_to_string(shanghai("entities.csv")).unwrap();
        let before = counts(&app).await;
        // Same content, re-encoded as GBK, with a BOM-less CRLF: unchanged.
        let crlf = original.replace('\n', "\r\n");
        let (gbk, _, unmappable) = encoding_rs::GBK.encode(&crlf);
        assert!(!unmappable);
        let again = import(&app, K::Entities, "entities-gbk.csv", &gbk, Encoding::Auto)
            .await
            .unwrap();
        assert!(
            matches!(again, Imported::Unchanged(ref s) if s.version == 1),
            "{}: {again:?}",
            db.name
        );
        let bom = [b"\xEF\xBB\xBF".as_slice(), original.as_bytes()].concat();
        assert!(matches!(
            import(&app, K::Entities, "bom.csv", &bom, Encoding::Auto)
                .await
                .unwrap(),
            Imported::Unchanged(_)
        ));
        assert_eq!(counts(&app).await, before, "{}: nothing written", db.name);

        // One changed name: version 2; version 1 still reads as it was.
        let mut lines: Vec<&str> = original.lines().collect();
        let changed_line = lines[1].replacen(',', ",（更名）", 1);
        lines[1] = &changed_line;
        let changed = lines.join("\n") + "\n";
        let v2 = import(
            &app,
            K::Entities,
            "entities-v2.csv",
            changed.as_bytes(),
            Encoding::Utf8,
        )
        .await
        .unwrap();
        let Imported::Created(v2) = v2 else {
            panic!("{v2:?}")
        };
        assert_eq!(v2.version, 2);
        let all = shuangsui::store::snapshots::all(&app.store).await.unwrap();
        let v1 = all
            .iter()
            .find(|s| s.kind == "entities" && s.version == 1)
            .unwrap();
        let old = shuangsui::store::rows::entities(&app.store, v1.id)
            .await
            .unwrap();
        let new = shuangsui::store::rows::entities(&app.store, v2.id)
            .await
            .unwrap();
        assert_eq!(old.len(), new.len());
        assert_ne!(old, new);
        assert!(
            new.iter().any(|e| e.name.starts_with("（更名）")),
            "{}",
            db.name
        );
        assert!(!old.iter().any(|e| e.name.starts_with("（更名）")));
        app.store.close().await;
    }
}

/// 100,000 generated entities with valid codes, the last row's USCC check character wrong.
fn large_file_with_a_bad_last_row() -> String {
    let mut out = String::from(
        "uscc,name,sector,entity_type,district,address,credit_grade,status,legal_representative,contact\n",
    );
    for i in 0..100_000u32 {
        let mut code = shuangsui::domain::Uscc::complete(&format!("52310000{i:09}"))
            .unwrap()
            .into_string();
        if i == 99_999 {
            let last = code.pop().unwrap();
            code.push(if last == '0' { '1' } else { '0' });
        }
        out.push_str(&format!(
            "{code},养老院{i},养老服务,养老机构,黄浦,,B,正常,,\n"
        ));
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_with_any_bad_row_imports_nothing() {
    let large = large_file_with_a_bad_last_row();
    let bad_files: Vec<(&str, Kind, Vec<u8>, &str)> = vec![
        ("bad-uscc.csv", K::Entities, "uscc,name,sector,entity_type,district,address,credit_grade,status,legal_representative,contact\n91310000631696382D,某养老院,养老服务,养老机构,黄浦,,B,正常,,\n".as_bytes().to_vec(), "bad-uscc.csv:2: column 'uscc'"),
        ("dup.csv", K::Entities, "uscc,name,sector,entity_type,district,address,credit_grade,status,legal_representative,contact\n91310000631696382C,甲,养老服务,养老机构,黄浦,,B,正常,,\n91310000631696382C,乙,养老服务,养老机构,黄浦,,B,正常,,\n".as_bytes().to_vec(), "dup.csv:3"),
        ("missing.csv", K::Entities, "uscc,name,sector\n91310000631696382C,甲,养老服务\n".as_bytes().to_vec(), "missing.csv"),
        ("empty.csv", K::Officers, Vec::new(), "empty.csv"),
        ("large.csv", K::Entities, large.into_bytes(), "large.csv:100001: column 'uscc'"),
        ("bom-bad.csv", K::Entities, [b"\xEF\xBB\xBF".as_slice(), "uscc,name,sector,entity_type,district,address,credit_grade,status,legal_representative,contact\n91310000631696382C,甲,养老服务,养老机构,黄浦,,E,正常,,\n".as_bytes()].concat(), "bom-bad.csv:2: column 'credit_grade'"),
        ("gbk-bad.csv", K::Entities, {
            let text = "uscc,name,sector,entity_type,district,address,credit_grade,status,legal_representative,contact\n91310000631696382C,甲,养老服务,养老机构,黄浦,,B,正常,,\n91310000631696382C,乙,养老服务,养老机构,黄浦,,B,正常,,\n";
            encoding_rs::GBK.encode(text).0.into_owned()
        }, "gbk-bad.csv:3"),
        ("neither.csv", K::Entities, b"uscc,name\n\xFF\xFF\xFF\n".to_vec(), "neither.csv:2"),
        ("recusal.csv", K::Recusals, "card_no,uscc,reason\nNOBODY-1,91310000631696382C,亲属\n".as_bytes().to_vec(), "recusal.csv:2"),
        ("lists-entity.csv", K::Lists, "uscc,list,listed_on,reason\n91310000631696382C,投诉举报,2026-08-01,\n".as_bytes().to_vec(), "lists-entity.csv:2: column 'uscc': 「91310000631696382C」不在当前的检查对象名录中 / entity '91310000631696382C' is not in the current entities"),
        ("lists-date.csv", K::Lists, "uscc,list,listed_on,reason\n51310117MJAEUH3G0W,投诉举报,2026-02-30,\n".as_bytes().to_vec(), "lists-date.csv:2: column 'listed_on'"),
        ("lists-pair.csv", K::Lists, "uscc,list,listed_on,reason\n51310117MJAEUH3G0W,投诉举报,2026-08-01,\n51310117MJAEUH3G0W,投诉举报,2026-09-01,再次投诉\n".as_bytes().to_vec(), "lists-pair.csv:3: column 'list': 该对象已在第 2 行列入同一名录"),
    ];
    for (app, db) in each_backend().await {
        let before = counts(&app).await;
        for (name, kind, bytes, expected) in &bad_files {
            let e = import(&app, *kind, name, bytes, Encoding::Auto)
                .await
                .unwrap_err();
            let AppError::Import(errors) = e else {
                panic!("{}: {name}: {e:?}", db.name)
            };
            let text = errors.to_string();
            assert!(text.contains(expected), "{}: {name}: {text}", db.name);
            if *name == "large.csv" {
                assert_eq!(errors.0.len(), 1, "only the bad row: {text}");
            }
        }
        assert_eq!(
            counts(&app).await,
            before,
            "{}: the database is unchanged",
            db.name
        );
        app.store.close().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_snapshot_larger_than_a_read_page_reads_back_whole_and_in_order() {
    // 70,000 rows: more than one page of SQLite's packed reads (65,536).
    let mut csv = String::from(
        "uscc,name,sector,entity_type,district,address,credit_grade,status,legal_representative,contact\n",
    );
    for i in (0..70_000u32).rev() {
        let code = shuangsui::domain::Uscc::complete(&format!("52310000{i:09}"))
            .unwrap()
            .into_string();
        csv.push_str(&format!(
            "{code},养老院{i},养老服务,养老机构,黄浦,某路{i}号,B,正常,张{i},021-{i}\n"
        ));
    }
    for (app, db) in each_backend().await {
        let Imported::Created(s) = import(
            &app,
            K::Entities,
            "many.csv",
            csv.as_bytes(),
            Encoding::Auto,
        )
        .await
        .unwrap() else {
            panic!("{}: a new version", db.name)
        };
        let rows = shuangsui::store::rows::entities(&app.store, s.id)
            .await
            .unwrap();
        assert_eq!(rows.len(), 70_000, "{}", db.name);
        assert!(
            rows.windows(2)
                .all(|w| w[0].uscc.as_str() < w[1].uscc.as_str()),
            "{}: in key order",
            db.name
        );
        let records = shuangsui::store::rows::entity_records(&app.store, s.id)
            .await
            .unwrap();
        assert_eq!(records.len(), 70_000);
        assert_eq!(records[69_999].uscc.as_str(), rows[69_999].uscc.as_str());
        // log verify re-hashes the rows read back: the logged content hash.
        app::log::verify(&app, None).await.unwrap();
        app.store.close().await;
    }
}

/// An import that changes nothing is rolled back after its snapshot id was taken; the next
/// snapshot still gets the next id in log order (a PostgreSQL sequence would skip one, and
/// `log verify`, which numbers snapshots by their entries, would then fail).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rolled_back_import_leaves_no_gap_in_snapshot_ids() {
    for (app, db) in each_backend().await {
        let entities = std::fs::read(shanghai("entities.csv")).unwrap();
        let again = app::directory::import(
            &app,
            K::Entities,
            "entities.csv",
            &entities,
            Format::Auto,
            Encoding::Auto,
            &|_| {},
        )
        .await
        .unwrap();
        assert!(matches!(again, Imported::Unchanged(_)), "{}", db.name);
        let recusals = std::fs::read_to_string(shanghai("recusals.csv")).unwrap();
        let fewer: String = recusals.lines().take(3).map(|l| format!("{l}\n")).collect();
        let made = app::directory::import(
            &app,
            K::Recusals,
            "recusals.csv",
            fewer.as_bytes(),
            Format::Auto,
            Encoding::Auto,
            &|_| {},
        )
        .await
        .unwrap();
        let Imported::Created(s) = made else {
            panic!("{}: {made:?}", db.name)
        };
        assert_eq!(s.id, 7, "{}: after the six tables of the setup", db.name);
        app::log::verify(&app, None).await.unwrap();
        app.store.close().await;
    }
}

//! Each kind of public entry said in plain words (Chinese), from its public fields only
//! (docs/LOG.md, "What is public"). An unknown kind, or a known one without the fields it
//! must show, is an error: a monitor must understand every event.

use serde_json::{Map, Value};

fn get<'a>(event: &'a Map<String, Value>, field: &str) -> Result<&'a Value, String> {
    event
        .get(field)
        .ok_or_else(|| format!("the event has no {field:?}"))
}

fn text<'a>(event: &'a Map<String, Value>, field: &str) -> Result<&'a str, String> {
    get(event, field)?
        .as_str()
        .ok_or_else(|| format!("{field:?} is not a string"))
}

fn number(event: &Map<String, Value>, field: &str) -> Result<i64, String> {
    get(event, field)?
        .as_i64()
        .ok_or_else(|| format!("{field:?} is not an integer"))
}

/// The event of a `kind` entry, in words.
pub fn say(kind: &str, e: &Map<String, Value>) -> Result<String, String> {
    Ok(match kind {
        "log.init" => format!("日志开始：{}", text(e, "origin")?),
        "directory.snapshot" => format!(
            "名录快照 {} 第 {} 版：{} 行，内容 SHA-256 {}",
            text(e, "table")?,
            number(e, "version")?,
            number(e, "rows")?,
            text(e, "content_sha256")?
        ),
        "batch.created" => format!("批次 {} 已创建：{}", text(e, "batch")?, text(e, "title")?),
        "batch.committed" => format!(
            "批次 {} 已承诺（抽查任务公告）：承诺哈希 {}",
            text(e, "batch")?,
            text(e, "commitment_hash")?
        ),
        "draw.started" => format!(
            "批次 {} 开始抽取，随机源 {}",
            text(e, "batch")?,
            String::from_utf8_lossy(&crate::canonical::to_vec(get(e, "entropy")?))
        ),
        "batch.drawn" => {
            let drawn: i64 = get(e, "strata")?
                .as_array()
                .ok_or("\"strata\" is not a list")?
                .iter()
                .filter_map(|s| s.get("drawn").and_then(Value::as_i64))
                .sum();
            format!(
                "批次 {} 已抽取（唯一一次）：种子 {}，共抽取 {drawn} 个对象（名单公示前密封）",
                text(e, "batch")?,
                text(e, "seed")?
            )
        }
        "draw.refused" => format!(
            "批次 {} 抽取被拒绝：{}",
            text(e, "batch")?,
            text(e, "reason")?
        ),
        "draw.failed" => format!(
            "批次 {} 抽取失败：{}",
            text(e, "batch")?,
            text(e, "reason")?
        ),
        "batch.withdrawn" => format!("批次 {} 已撤回：{}", text(e, "batch")?, text(e, "reason")?),
        "result.recorded" => format!(
            "批次 {} 登记检查结果 #{}（公示前密封）",
            text(e, "batch")?,
            number(e, "result")?
        ),
        "result.corrected" => format!(
            "批次 {} 更正检查结果 #{} 为 #{}（公示前密封）",
            text(e, "batch")?,
            number(e, "corrects")?,
            number(e, "result")?
        ),
        "result.approved" => format!(
            "批次 {} 检查结果 #{} 经审核人员 #{} 审核通过",
            text(e, "batch")?,
            number(e, "result")?,
            number(e, "reviewer")?
        ),
        "result.returned" => format!(
            "批次 {} 检查结果 #{} 被审核人员 #{} 退回（理由公示前密封）",
            text(e, "batch")?,
            number(e, "result")?,
            number(e, "reviewer")?
        ),
        "followup.measure" => format!(
            "批次 {} 检查结果 #{} 由执法总队用户 #{} 采取后续处置措施（公示前密封）",
            text(e, "batch")?,
            number(e, "result")?,
            number(e, "by")?
        ),
        "followup.closed" => format!(
            "批次 {} 检查结果 #{} 的后续处置由执法总队用户 #{} 完结（查处结果公示前密封）",
            text(e, "batch")?,
            number(e, "result")?,
            number(e, "by")?
        ),
        "batch.published" => format!(
            "批次 {} 已公示：抽取包 SHA-256 {}，揭示内容 SHA-256 {}",
            text(e, "batch")?,
            text(e, "bundle_sha256")?,
            text(e, "reveals_sha256")?
        ),
        "annual_plan.published" => format!(
            "{} 公布{}年度抽查计划 {}（第 {} 版）：{}，含 {} 个批次",
            text(e, "department")?,
            number(e, "year")?,
            text(e, "id")?,
            number(e, "version")?,
            text(e, "title")?,
            get(e, "batches")?
                .as_array()
                .ok_or("\"batches\" is not a list")?
                .len()
        ),
        "user.added" => format!("新增用户 #{}（{}）", number(e, "user")?, text(e, "role")?),
        "user.revoked" => format!("撤销用户 #{}", number(e, "user")?),
        "user.password_set" => match get(e, "by")? {
            serde_json::Value::Null => {
                format!("服务器管理员设置用户 #{} 的密码", number(e, "user")?)
            }
            _ => format!(
                "用户 #{} 设置用户 #{} 的密码",
                number(e, "by")?,
                number(e, "user")?
            ),
        },
        "user.totp_set" => format!("用户 #{} 启用两步验证", number(e, "user")?),
        "user.totp_removed" => match get(e, "by")? {
            serde_json::Value::Null => {
                format!("服务器管理员关闭用户 #{} 的两步验证", number(e, "user")?)
            }
            _ => format!(
                "用户 #{} 关闭用户 #{} 的两步验证",
                number(e, "by")?,
                number(e, "user")?
            ),
        },
        "user.signed_in" => "一名用户登录（用户密封）".to_string(),
        "user.signed_out" => "一名用户退出登录（用户密封）".to_string(),
        other => return Err(format!("unknown entry kind {other:?}")),
    })
}

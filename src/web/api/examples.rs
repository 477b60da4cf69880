//! Examples for the OpenAPI document: request bodies as they would be sent, and small
//! response bodies. The plan is the shipped sample's own file and the directory rows are
//! the sample's first rows, so that they stay valid inputs (`tests/http/openapi.rs` sends
//! the upload's examples and expects them imported).

use serde_json::{Value, json};

/// The shipped elderly-care plan, as `POST /api/v1/batches` takes it.
const PLAN: &str = include_str!("../../../registries/shanghai/plans/elderly-care.toml");

/// The header and the first two rows of the sample's `entities.csv`.
const ENTITIES: &str = "uscc,name,sector,entity_type,district,address,credit_grade,status,legal_representative,contact
51310117MJAEUH3G0W,上海松江区物业管理行业协会,社会组织,社会团体,松江,松江区广富林路263号,C,正常,唐艳,021-53917575
91310101MAFCBAGT1L,上海黄浦区佳和老年公寓有限公司,养老服务,养老机构,黄浦,黄浦区淮海中路1535号,A,正常,赵蕾涛,021-66639855
";

/// The boundary of the multipart example (as curl makes one).
pub const FORM_BOUNDARY: &str = "------------------------0bcd96f4a1b2c3d4";

pub fn plan_toml() -> Value {
    Value::String(PLAN.to_string())
}

pub fn entities_csv() -> Value {
    Value::String(ENTITIES.to_string())
}

/// `ENTITIES` as `curl -F file=@entities.csv` sends it, with
/// `Content-Type: multipart/form-data; boundary=` `FORM_BOUNDARY`.
pub fn entities_form() -> Value {
    Value::String(format!(
        "--{FORM_BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"entities.csv\"\r\nContent-Type: text/csv\r\n\r\n{ENTITIES}\r\n--{FORM_BOUNDARY}--\r\n"
    ))
}

pub fn draw() -> Value {
    json!({"entropy": "陈思远=4821907365,林晓岚=0937146528,周文博=5560213879"})
}

pub fn withdraw() -> Value {
    json!({"reason": "抽查事项调整，本批次撤回后重新公告"})
}

pub fn result() -> Value {
    json!({
        "uscc": "52310105MJ8TGUJ86J",
        "codes": ["2", "YL05", "E"],
        "note": "消防通道堆放杂物，已当场整改",
        "inspected_on": "2026-12-16",
        "checklist": [{
            "matter": "MZ-YL-02",
            "items": [
                {"item": "01", "answer": "符合", "finding": null, "measure": null},
                {"item": "02", "answer": "不符合", "finding": "消防通道堆放杂物", "measure": "当场整改"}
            ]
        }]
    })
}

pub fn return_result() -> Value {
    json!({"reason": "检查日期与检查记录不一致，请核对后更正"})
}

pub fn measure() -> Value {
    json!({"measure": "责令限期整改", "due": "2027-01-31", "note": "限期清理消防通道"})
}

pub fn closure() -> Value {
    json!({"closed_on": "2027-01-20", "outcome": "已整改", "text": "复查确认消防通道已清理畅通"})
}

pub fn import() -> Value {
    json!({
        "outcome": "created",
        "snapshot": snapshot()
    })
}

pub fn snapshot() -> Value {
    json!({
        "id": 7, "kind": "entities", "version": 2,
        "content_sha256": "0f0884ce2adc890dd6351b28a5b3cb0cc209d9e03616fc866b6c8eed0d96797d",
        "rows": 1300, "source_name": "entities.csv",
        "source_sha256": "b948862c95adff2b45beb73b867ab0e5573bc7f1eedcd18a09b3c6bc13415a85",
        "encoding": "utf8", "imported_at": "2026-12-04T13:06:47Z", "log_seq": 12
    })
}

pub fn checkpoint() -> Value {
    json!({
        "size": 246,
        "checkpoint": "shuangsui.local/demo-log\n246\nwGIk0RdPn7eI6DnMEUIAqAj19I8pPpe2IJKjJwP9p/k=\n\n— shuangsui.local/demo-log NiBGx/pzoXawi2xuVwPkoaYSIBEiWMJGKyNn/RTO1yizmxTk6BV2J7iXXFBe3W+LUm6fhfT2Wh2oDWe14Y7VJKa3eQA=\n"
    })
}

pub fn log_key() -> Value {
    json!({
        "origin": "shuangsui.local/demo-log",
        "verifier_key": "shuangsui.local/demo-log+362046c7+AZGE+Fi9BS7dpOPAZ8ZPRf/34hjVtJqzoTjIAZ9uX6eY"
    })
}

pub fn me() -> Value {
    json!({"name": "王伟", "role": "officer", "card_no": "SHMZ-0000-0008"})
}

pub fn review() -> Value {
    json!({
        "batch_id": "SH-MZ-2026-YL-01", "result_id": 3, "reviewer": 4, "verdict": "returned",
        "reason": "检查日期与检查记录不一致，请核对后更正",
        "reviewed_at": "2026-12-17T02:15:09Z", "log_seq": 231
    })
}

//! The categories of the NIST Cybersecurity Framework 2.0, which a learning objective may name
//! as the competency it trains (`competency: "RS.AN"`): profiles across scenarios add up the
//! points per category.

use super::model::Lang;

/// Every CSF 2.0 category: id, English name, Japanese name.
pub const CATEGORIES: &[(&str, &str, &str)] = &[
    ("GV.OC", "Organizational Context", "組織の状況"),
    (
        "GV.RM",
        "Risk Management Strategy",
        "リスクマネジメント戦略",
    ),
    (
        "GV.RR",
        "Roles, Responsibilities, and Authorities",
        "役割、責任、権限",
    ),
    ("GV.PO", "Policy", "ポリシー"),
    ("GV.OV", "Oversight", "監督"),
    (
        "GV.SC",
        "Cybersecurity Supply Chain Risk Management",
        "サイバーセキュリティサプライチェーンリスクマネジメント",
    ),
    ("ID.AM", "Asset Management", "資産管理"),
    ("ID.RA", "Risk Assessment", "リスクアセスメント"),
    ("ID.IM", "Improvement", "改善"),
    (
        "PR.AA",
        "Identity Management, Authentication, and Access Control",
        "アイデンティティ管理、認証、アクセス制御",
    ),
    (
        "PR.AT",
        "Awareness and Training",
        "意識向上およびトレーニング",
    ),
    ("PR.DS", "Data Security", "データセキュリティ"),
    ("PR.PS", "Platform Security", "プラットフォームセキュリティ"),
    (
        "PR.IR",
        "Technology Infrastructure Resilience",
        "技術インフラストラクチャのレジリエンス",
    ),
    ("DE.CM", "Continuous Monitoring", "継続的モニタリング"),
    ("DE.AE", "Adverse Event Analysis", "有害事象の分析"),
    ("RS.MA", "Incident Management", "インシデント管理"),
    ("RS.AN", "Incident Analysis", "インシデント分析"),
    (
        "RS.CO",
        "Incident Response Reporting and Communication",
        "インシデント対応の報告およびコミュニケーション",
    ),
    ("RS.MI", "Incident Mitigation", "インシデントの低減"),
    (
        "RC.RP",
        "Incident Recovery Plan Execution",
        "インシデント復旧計画の実行",
    ),
    (
        "RC.CO",
        "Incident Recovery Communication",
        "インシデント復旧のコミュニケーション",
    ),
];

/// Whether `id` is a CSF 2.0 category.
pub fn is_category(id: &str) -> bool {
    CATEGORIES.iter().any(|(c, _, _)| *c == id)
}

/// A category's name in `lang`, if `id` is one.
pub fn name(id: &str, lang: Lang) -> Option<&'static str> {
    CATEGORIES
        .iter()
        .find(|(c, _, _)| *c == id)
        .map(|(_, en, ja)| match lang {
            Lang::En => *en,
            Lang::Ja => *ja,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn categories_are_unique_and_named_in_both_languages() {
        for (i, (id, en, ja)) in CATEGORIES.iter().enumerate() {
            assert!(!en.is_empty() && !ja.is_empty());
            assert!(CATEGORIES[i + 1..].iter().all(|(other, _, _)| other != id));
        }
        assert_eq!(CATEGORIES.len(), 22);
        assert!(is_category("RS.AN"));
        assert!(!is_category("RS.XX"));
        assert_eq!(name("DE.AE", Lang::Ja), Some("有害事象の分析"));
    }
}

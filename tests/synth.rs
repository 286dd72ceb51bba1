//! A generated scenario of any size, for benchmarks and scale tests (shared with
//! `benches/engine.rs` through `#[path]`, so it never ships in the library).
//!
//! The network has `hosts` hosts: a DMZ web server, one file server holding the data, and
//! workstations in the office LAN (every second one with EDR). The attack: phishing on the
//! first PC, a chain of lateral moves through `hops` PCs, credential theft, theft of the data
//! from the file server (the goal), with an alternative route and noise on every tenth PC.

/// RON text of a scenario with `hosts` hosts (at least 8), 16 turns long.
pub fn scenario(hosts: usize) -> String {
    scenario_with(hosts, 16)
}

/// RON text of a scenario with `hosts` hosts (at least 8) and `max_turns` turns (at least 8).
pub fn scenario_with(hosts: usize, max_turns: u32) -> String {
    assert!(hosts >= 8, "the generated network needs at least 8 hosts");
    assert!(max_turns >= 8, "the walkthrough needs 8 turns");
    let pcs = hosts - 2;
    let hops = 4.min(pcs - 1);
    let mut host_list = String::new();
    host_list.push_str(
        "(id: \"web\", kind: WebServer, os: \"Linux\", segment: \"dmz\", criticality: High, \
         monitoring: [Waf], vulnerabilities: [\"cve-web\"], backup: true),\n",
    );
    host_list.push_str(
        "(id: \"fs\", kind: FileServer, os: \"Windows Server\", segment: \"srv\", criticality: Critical, \
         data: [\"records\"], monitoring: [Edr], log_forwarding: true, backup: true),\n",
    );
    for i in 0..pcs {
        let edr = if i % 2 == 0 { "Edr, " } else { "" };
        host_list.push_str(&format!(
            "(id: \"pc-{i}\", kind: Workstation, os: \"Windows 11\", segment: \"lan\", criticality: Low, \
             monitoring: [{edr}Antivirus]),\n"
        ));
    }
    let mut stages = String::new();
    stages.push_str(
        "(id: \"phish\", name: (en: \"Phish\", ja: \"フィッシング\"), tactic: InitialAccess, technique: \"T1566.001\", \
         via: Lure(\"mail\"), target: \"pc-0\", chance: 100, effects: [Foothold(level: User, c2: \"c2\")], \
         traces: [(id: \"t-phish\", source: Edr, seen_in: Alert, severity: High, text: (en: \"Macro\", ja: \"マクロ\"), \
         reveals: [Host(\"pc-0\"), Address(\"c2\")])]),\n",
    );
    for h in 1..=hops {
        stages.push_str(&format!(
            "(id: \"hop-{h}\", name: (en: \"Hop {h}\", ja: \"横展開{h}\"), tactic: LateralMovement, technique: \"T1021.002\", \
             after: [\"{prev}\"], via: Host(\"pc-{from}\"), target: \"pc-{h}\", chance: 70, \
             effects: [Foothold(level: Admin, c2: \"c2\")], \
             traces: [(id: \"t-hop-{h}\", source: WindowsEvents, seen_in: Logs, text: (en: \"Logon\", ja: \"ログオン\"))]),\n",
            prev = if h == 1 { "phish".to_owned() } else { format!("hop-{}", h - 1) },
            from = h - 1,
        ));
    }
    stages.push_str(&format!(
        "(id: \"creds\", name: (en: \"Dump\", ja: \"窃取\"), tactic: CredentialAccess, technique: \"T1003.001\", \
         after: [\"hop-{hops}\"], via: Target, target: \"pc-{hops}\", privilege: Admin, chance: 60, \
         effects: [StealCredentials([\"adm\"])], \
         traces: [(id: \"t-creds\", source: Antivirus, seen_in: Disk, text: (en: \"Dump\", ja: \"ダンプ\"))], \
         on_blocked: [Switch(\"alt\")]),\n\
         (id: \"alt\", name: (en: \"Alt\", ja: \"代替\"), tactic: CredentialAccess, technique: \"T1555\", alternative: true, \
         after: [\"phish\"], via: Implant, target: \"pc-0\", chance: 50, effects: [StealCredentials([\"adm\"])], \
         traces: [(id: \"t-alt\", source: Edr, seen_in: Scan, text: (en: \"Stealer\", ja: \"窃取ツール\"))]),\n\
         (id: \"exfil\", name: (en: \"Exfil\", ja: \"持ち出し\"), tactic: Exfiltration, technique: \"T1041\", \
         after_any: [\"creds\", \"alt\"], via: Host(\"pc-{hops}\"), target: \"fs\", uses: \"adm\", chance: 50, goal: true, \
         effects: [Exfiltrate([\"records\"])], \
         traces: [(id: \"t-exfil\", source: Edr, seen_in: Alert, severity: Critical, text: (en: \"Upload\", ja: \"送信\"))], \
         on_blocked: [Dormant(1)]),\n"
    ));
    let mut noise = String::new();
    for i in (1..pcs).step_by(10) {
        noise.push_str(&format!(
            "(id: \"n-{i}\", host: \"pc-{i}\", source: Antivirus, chance: 20, severity: Low, \
             text: (en: \"PUP\", ja: \"不要ソフト\")),\n"
        ));
    }
    format!(
        r#"(
    format: 1, id: "synthetic-{hosts}",
    title: (en: "Generated {hosts}-host network", ja: "{hosts}台の生成ネットワーク"),
    summary: (en: "Generated.", ja: "生成。"),
    difficulty: B, minutes_per_turn: 30, max_turns: {max_turns}, effort_per_turn: 5,
    learning_objectives: [(id: "lo", text: (en: "Respond", ja: "対応する"))],
    organisation: (
        name: (en: "Generated Co.", ja: "生成株式会社"), description: (en: "Generated.", ja: "生成。"),
        role: (en: "IT", ja: "情シス"),
        segments: [
            (id: "internet", name: (en: "Internet", ja: "インターネット"), kind: Internet, reaches: ["dmz"]),
            (id: "dmz", name: (en: "DMZ", ja: "DMZ"), kind: Dmz, reaches: ["internet"]),
            (id: "lan", name: (en: "LAN", ja: "LAN"), kind: Office, reaches: ["internet", "srv"], monitoring: [Proxy]),
            (id: "srv", name: (en: "Servers", ja: "サーバ"), kind: Server, reaches: ["internet"]),
        ],
        hosts: [
{host_list}        ],
        accounts: [(id: "adm", kind: Admin, valid_on: [Everywhere]), (id: "svc", kind: Service, valid_on: [Host("fs")])],
        data_sets: [(id: "records", name: (en: "Records", ja: "記録"), sensitivity: Personal, records: 100000)],
        business_functions: [
            (id: "site", name: (en: "Web site", ja: "Webサイト"), depends_on: ["web"], outage_cost: 1),
            (id: "files", name: (en: "File sharing", ja: "ファイル共有"), depends_on: ["fs"], accounts: ["svc"], outage_cost: 2),
        ],
        mitigations: [(id: "mfa", name: (en: "MFA", ja: "多要素認証"))],
    ),
    stakeholders: [
        (id: "boss", kind: Management, name: (en: "Boss", ja: "上司")),
        (id: "csirt", kind: Csirt, name: (en: "CSIRT", ja: "CSIRT")),
    ],
    notifications: [(id: "tell", stakeholder: "boss", trigger: AlertSeen("t-phish"), within: 2, basis: (en: "Policy", ja: "規程"))],
    adversary: (
        name: (en: "Generated", ja: "生成"),
        infrastructure: [(id: "c2", address: "198.51.100.9", role: C2), (id: "mail", address: "x@example.net", role: Delivery)],
        stages: [
{stages}        ],
    ),
    noise: [
{noise}    ],
    injects: [
        (id: "hello", trigger: Turn(2), channel: Email, from: "boss", subject: (en: "Status?", ja: "状況は？"),
            body: (en: "What is going on?", ja: "何が起きている？"),
            question: (prompt: (en: "Tell?", ja: "報告？"), choices: [
                (id: "no", concealment: true, text: (en: "No", ja: "いいえ")),
                (id: "yes", correct: true, text: (en: "Yes", ja: "はい")),
            ])),
    ],
    actions: [
        (id: "triage", verb: Triage, cost: 1, name: (en: "Triage", ja: "トリアージ")),
        (id: "logs", verb: AnalyseLogs, cost: 1, name: (en: "Logs", ja: "ログ")),
        (id: "image", verb: ImageDisk, cost: 2, name: (en: "Image", ja: "保全")),
        (id: "scan", verb: Scan, cost: 2, name: (en: "Scan", ja: "スキャン")),
        (id: "isolate", verb: IsolateHost, cost: 1, name: (en: "Isolate", ja: "隔離")),
        (id: "reconnect", verb: Reconnect, cost: 1, name: (en: "Reconnect", ja: "再接続")),
        (id: "block", verb: BlockAddress, cost: 1, name: (en: "Block", ja: "遮断")),
        (id: "reset", verb: ResetCredentials, cost: 1, name: (en: "Reset", ja: "リセット")),
        (id: "disable", verb: DisableAccount, cost: 1, name: (en: "Disable", ja: "無効化")),
        (id: "reimage", verb: Reimage, cost: 2, turns: 2, name: (en: "Reimage", ja: "再構築")),
        (id: "patch", verb: Patch, cost: 1, name: (en: "Patch", ja: "パッチ")),
        (id: "mitigate", verb: Mitigate, cost: 1, name: (en: "MFA", ja: "多要素認証")),
        (id: "notify", verb: Notify, cost: 1, name: (en: "Notify", ja: "報告")),
        (id: "report", verb: SubmitFindings, cost: 1, name: (en: "Report", ja: "報告書")),
    ],
    findings: (entry_vectors: [(id: "phishing", stages: ["phish"], text: (en: "Phishing", ja: "フィッシング"))]),
    scoring: (
        objectives: [
            (id: "detect", name: (en: "Detect", ja: "検知"), points: 20, decay: 5, learning: ["lo"], kind: Detect(by_turn: 2)),
            (id: "contain", name: (en: "Contain", ja: "封じ込め"), points: 20, decay: 5, learning: ["lo"], kind: Contain(within: 2)),
            (id: "prevent", name: (en: "Prevent", ja: "阻止"), points: 20, learning: ["lo"], kind: Prevent("exfil")),
            (id: "evidence", name: (en: "Evidence", ja: "証拠"), points: 10, learning: ["lo"], kind: PreserveEvidence),
            (id: "tell", name: (en: "Tell", ja: "報告"), points: 10, learning: ["lo"], kind: Notify("tell")),
            (id: "entry", name: (en: "Entry", ja: "経路"), points: 10, learning: ["lo"], kind: Finding(Entry)),
            (id: "answer", name: (en: "Answer", ja: "回答"), points: 10, learning: ["lo"], kind: Answer("hello")),
        ],
        penalties: (clean_isolation: 2, clean_reimage: 5, evidence_destroyed: 10, concealment: 10, wrong_finding: 2),
        grades: [(min_percent: 0, label: (en: "Done", ja: "完了"))],
    ),
    end: (team_wins: All([Evicted, FindingsRight(50)]), at_time_limit: Loss),
    walkthrough: [
        (turn: 2, actions: [Act("triage", Alert("t-phish")), Act("isolate", Host("pc-0")), Act("notify", Stakeholder("boss"))]),
        (turn: 3, actions: [Act("image", Host("pc-0")), Act("block", Address("c2")), Act("reset", Account("adm")),
            Answer("hello", "yes")]),
        (turn: 4, actions: [Act("reimage", Host("pc-0")), Act("logs", Host("pc-1"))]),
        (turn: 6, actions: [Act("report", Findings(entry: "phishing", hosts: ["pc-0"], data: [], first_turn: 1))]),
    ],
)
"#
    )
}

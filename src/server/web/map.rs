//! The network map: segments drawn as zones, hosts coloured by what the team believes of them
//! (normal, suspicious, compromised, rebuilt), marked when isolated, imaged or down, and the
//! outside addresses the team has seen, blocked or not. SVG, drawn from the team's view.

use maud::{Markup, html};
use serde_json::Value;

use crate::report::describe::tr;
use crate::scenario::model::Lang;

const HOST_W: i64 = 104;
const HOST_H: i64 = 26;
const GAP: i64 = 8;
const PER_ROW: i64 = 3;
const ZONE_W: i64 = PER_ROW * (HOST_W + GAP) + GAP;
const ZONE_HEAD: i64 = 22;
const COLUMNS: i64 = 1;

fn empty() -> &'static Vec<Value> {
    static EMPTY: Vec<Value> = Vec::new();
    &EMPTY
}

fn status_word(status: &str, lang: Lang) -> &'static str {
    match status {
        "suspicious" => tr(lang, "suspicious", "不審"),
        "compromised" => tr(lang, "compromised", "侵害あり"),
        "rebuilt" => tr(lang, "rebuilt", "再構築済み"),
        _ => tr(lang, "normal", "異常なし"),
    }
}

/// The map of a team's view.
pub fn network(view: &Value, lang: Lang) -> Markup {
    let hosts = view["hosts"].as_array().unwrap_or(empty());
    let segments = view["segments"].as_array().unwrap_or(empty());
    let addresses = view["addresses"].as_array().unwrap_or(empty());
    // Zones in a grid, each as tall as its hosts need; rows of zones as tall as the tallest.
    let zones: Vec<(&Value, Vec<&Value>)> = segments
        .iter()
        .map(|seg| {
            let id = &seg["id"];
            (seg, hosts.iter().filter(|h| &h["segment"] == id).collect())
        })
        .collect();
    let zone_h = |n: usize| -> i64 {
        let rows = ((n as i64 + PER_ROW - 1) / PER_ROW).max(1);
        ZONE_HEAD + rows * (HOST_H + GAP) + GAP
    };
    let outside_rows = (addresses.len() as i64 + 2) / 3;
    let outside_h = if addresses.is_empty() {
        0
    } else {
        30 + outside_rows * 26
    };
    let mut placed = Vec::new();
    let mut y = outside_h + GAP;
    for row in zones.chunks(COLUMNS as usize) {
        let h = row
            .iter()
            .map(|(_, hs)| zone_h(hs.len()))
            .max()
            .unwrap_or(0);
        for (i, z) in row.iter().enumerate() {
            placed.push((i as i64 * (ZONE_W + GAP) + GAP, y, h, z));
        }
        y += h + GAP;
    }
    let width = COLUMNS * (ZONE_W + GAP) + GAP;
    let title = tr(lang, "Network map", "ネットワーク図");
    html! {
        svg.map viewBox=(format!("0 0 {width} {y}")) role="img" aria-label=(title) xmlns="http://www.w3.org/2000/svg" {
            title { (title) }
            @if !addresses.is_empty() {
                rect.zone x=(GAP) y="4" width=(width - 2 * GAP) height=(outside_h - 8) rx="8" {}
                text.zone-label x=(GAP + 8) y="20" { (tr(lang, "Internet: addresses seen", "インターネット：確認したアドレス")) }
                @for (i, a) in addresses.iter().enumerate() {
                    @let x = GAP + 8 + (i as i64 % 3) * 108;
                    @let y = 26 + (i as i64 / 3) * 26;
                    @let blocked = a["blocked"].as_bool().unwrap_or(false);
                    g {
                        title { (a["id"].as_str().unwrap_or("")) @if blocked { " — " (tr(lang, "blocked", "遮断済み")) } }
                        rect class=(if blocked { "outside blocked" } else { "outside" }) x=(x) y=(y) width="102" height="20" rx="10" {}
                        text.outside-label x=(x + 8) y=(y + 14) { (short(a["id"].as_str().unwrap_or(""), 14)) @if blocked { " ⛔" } }
                    }
                }
            }
            @for (x, y, h, (seg, hs)) in &placed {
                @let isolated = seg["isolated"].as_bool().unwrap_or(false);
                g {
                    rect class=(if isolated { "zone isolated" } else { "zone" }) x=(x) y=(y) width=(ZONE_W) height=(h) rx="8" {}
                    text.zone-label x=(x + 8) y=(y + 16) {
                        (seg["name"].as_str().unwrap_or(""))
                        @if isolated { " — " (tr(lang, "isolated", "隔離中")) }
                    }
                    @for (i, host) in hs.iter().enumerate() {
                        @let i = i as i64;
                        @let hx = x + GAP + (i % PER_ROW) * (HOST_W + GAP);
                        @let hy = y + ZONE_HEAD + (i / PER_ROW) * (HOST_H + GAP);
                        g class=(host_class(host)) {
                            title { (host_title(host, lang)) }
                            rect x=(hx) y=(hy) width=(HOST_W) height=(HOST_H) rx="5" {}
                            text x=(hx + 6) y=(hy + 17) { (short(host["id"].as_str().unwrap_or(""), 13)) }
                            @if host["imaged"] == true {
                                circle cx=(hx + HOST_W - 9) cy=(hy + 9) r="5" {}
                            }
                        }
                    }
                }
            }
        }
        div.legend aria-hidden="true" {
            span.normal { (status_word("normal", lang)) }
            span.suspicious { (status_word("suspicious", lang)) }
            span.compromised { (status_word("compromised", lang)) }
            span.rebuilt { (status_word("rebuilt", lang)) }
            span.isolated { (tr(lang, "isolated", "隔離中")) }
            span.imaged { (tr(lang, "imaged", "保全済み")) }
            span.down { (tr(lang, "down", "停止中")) }
        }
    }
}

fn host_class(host: &Value) -> String {
    let mut class = format!("host {}", host["status"].as_str().unwrap_or("normal"));
    for flag in ["isolated", "imaged", "down"] {
        if host[flag] == true {
            class.push(' ');
            class.push_str(flag);
        }
    }
    class
}

fn host_title(host: &Value, lang: Lang) -> String {
    let mut parts = vec![
        host["id"].as_str().unwrap_or("").to_owned(),
        host["kind"].as_str().unwrap_or("").to_owned(),
        status_word(host["status"].as_str().unwrap_or(""), lang).to_owned(),
    ];
    for (flag, en, ja) in [
        ("isolated", "isolated", "隔離中"),
        ("busy", "being rebuilt", "再構築中"),
        ("encrypted", "encrypted", "暗号化"),
        ("down", "down", "停止中"),
        ("imaged", "imaged", "保全済み"),
        ("patched", "patched", "パッチ適用済み"),
    ] {
        if host[flag] == true {
            parts.push(tr(lang, en, ja).to_owned());
        }
    }
    parts.join(" · ")
}

/// At most `n` characters, with an ellipsis if cut.
fn short(text: &str, n: usize) -> String {
    if text.chars().count() <= n {
        text.to_owned()
    } else {
        let mut s: String = text.chars().take(n - 1).collect();
        s.push('…');
        s
    }
}

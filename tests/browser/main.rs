//! The browser front-end in real headless Chromium, driven through ChromeDriver (fantoccini):
//! the facilitator opens a drill in the console, two teams join in their own browser sessions
//! (one team with two members who see each other's queued actions), both play the tutorial to
//! the end through the pages — Red by its walkthrough, action by action in the composer —
//! the projector ranks them, and the after-action report opens. Screenshots of every page at
//! 1280×800 and at 768 px wide are written to `target/browser-screenshots/`.
//!
//! Needs Debian's `chromium` and `chromium-driver` (`.ci/run` installs them). Without them the
//! tests are reported as ignored, with the reason, never as passed. A harness of its own
//! (libtest-mimic) so that it can decide that when it runs.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use cyberdrill::engine::TeamId;
use cyberdrill::scenario::raw::{RawCommand, RawTarget};
use cyberdrill::server::{Running, ServeConfig};
use cyberdrill::session::Session;
use cyberdrill::session::bots::{self, Scripted};
use fantoccini::{Client, ClientBuilder, Locator};
use libtest_mimic::{Arguments, Failed, Trial};
use serde_json::{Value, json};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn main() {
    let args = Arguments::from_args();
    let missing: Vec<&str> = [CHROMIUM, CHROMEDRIVER]
        .into_iter()
        .filter(|p| !Path::new(p).exists())
        .collect();
    if !missing.is_empty() {
        eprintln!(
            "browser tests ignored: {} not found (install Debian's chromium and chromium-driver: apt-get install chromium chromium-driver)",
            missing.join(" and ")
        );
    }
    let trials = vec![
        Trial::test("a_room_plays_the_tutorial_in_the_browser", || {
            run(room_plays_the_tutorial)
        })
        .with_ignored_flag(!missing.is_empty()),
        Trial::test("pages_read_at_tablet_width_and_in_japanese", || {
            run(pages_in_japanese_at_tablet_width)
        })
        .with_ignored_flag(!missing.is_empty()),
        Trial::test("the_after_action_report_renders_in_both_languages", || {
            run(report_renders)
        })
        .with_ignored_flag(!missing.is_empty()),
    ];
    libtest_mimic::run(&args, trials).exit();
}

fn run<F, Fut>(test: F) -> Result<(), Failed>
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = Result<(), String>>,
{
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Failed::from(e.to_string()))?
        .block_on(test())
        .map_err(Failed::from)
}

/// ChromeDriver on a free port; killed when dropped.
struct Driver {
    child: Child,
    url: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or(9515)
}

async fn driver() -> Result<Driver, String> {
    let port = free_port();
    let child = Command::new(CHROMEDRIVER)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("chromedriver: {e}"))?;
    let url = format!("http://127.0.0.1:{port}");
    let driver = Driver { child, url };
    for _ in 0..100 {
        if reqwest::get(format!("{}/status", driver.url)).await.is_ok() {
            return Ok(driver);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Err("chromedriver did not answer".into())
}

/// A browser session of its own (its own profile, so its own cookies), in English or Japanese.
async fn browser(driver: &Driver, lang: &str) -> Result<Client, String> {
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": CHROMIUM,
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--no-first-run", "--disable-background-networking", "--disable-component-update",
                     "--disable-sync", "--window-size=1280,800", format!("--lang={lang}")],
            "prefs": {"intl.accept_languages": lang},
        }),
    );
    let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&driver.url)
        .await
        .map_err(|e| format!("a browser session: {e}"))?;
    viewport(&client, 1280, 800).await?;
    Ok(client)
}

async fn server(name: &str) -> Running {
    let data =
        std::env::temp_dir().join(format!("cyberdrill-browser-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&data);
    cyberdrill::server::start(
        ServeConfig {
            listen: "127.0.0.1:0".parse().expect("an address"),
            data,
            scenarios: root().join("scenarios"),
            public_url: None,
        },
        std::future::pending(),
    )
    .await
    .expect("the server starts")
}

/// Saves what the browser shows at 1280×800 and at 768 px wide.
async fn screenshots(c: &Client, name: &str) -> Result<(), String> {
    let dir = root().join("target/browser-screenshots");
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    for (width, height) in [(1280, 800), (768, 1024)] {
        viewport(c, width, height).await?;
        c.execute("window.scrollTo(0, 0)", vec![])
            .await
            .map_err(|e| e.to_string())?;
        tokio::time::sleep(Duration::from_millis(150)).await;
        let png = c.screenshot().await.map_err(|e| e.to_string())?;
        std::fs::write(dir.join(format!("{name}-{width}.png")), png).map_err(|e| e.to_string())?;
    }
    viewport(c, 1280, 800).await
}

/// Sizes the window so that the page itself (the viewport) is `width` × `height`.
async fn viewport(c: &Client, width: u32, height: u32) -> Result<(), String> {
    c.set_window_size(width, height)
        .await
        .map_err(|e| e.to_string())?;
    let inner = c
        .execute("return [window.innerWidth, window.innerHeight]", vec![])
        .await
        .map_err(|e| e.to_string())?;
    let (w, h) = (
        inner[0].as_u64().unwrap_or(0) as u32,
        inner[1].as_u64().unwrap_or(0) as u32,
    );
    if (w, h) != (width, height) && w > 0 && h > 0 {
        c.set_window_size(
            width + width.saturating_sub(w),
            height + height.saturating_sub(h),
        )
        .await
        .map_err(|e| e.to_string())?;
    }
    Ok(())
}

fn err<E: std::fmt::Display>(what: &str) -> impl Fn(E) -> String + '_ {
    move |e| format!("{what}: {e}")
}

/// The page's text. A page that is being replaced (a form's redirect, a reload) leaves the
/// element found a moment before stale: read the new page instead.
async fn text(c: &Client) -> Result<String, String> {
    let mut last = String::new();
    for _ in 0..40 {
        let read = async {
            c.find(Locator::Css("body"))
                .await
                .map_err(err("the page"))?
                .text()
                .await
                .map_err(err("its text"))
        };
        match read.await {
            Ok(t) => return Ok(t),
            Err(e) => last = e,
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    Err(last)
}

/// Waits until the page's text contains `needle` (the page updates itself).
async fn wait_text(c: &Client, needle: &str) -> Result<(), String> {
    for _ in 0..600 {
        if text(c).await?.contains(needle) {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let page = text(c).await.unwrap_or_default();
    let live = c
        .execute("return JSON.stringify([window.cyberdrillLive || null, document.getElementById('topstats') && document.getElementById('topstats').textContent, document.body.dataset.version])", vec![])
        .await
        .map(|v| v.to_string())
        .unwrap_or_default();
    Err(format!(
        "waited for “{needle}” on {} (live: {live}):\n{}",
        c.current_url()
            .await
            .map(|u| u.to_string())
            .unwrap_or_default(),
        page.chars().take(1500).collect::<String>()
    ))
}

/// Whether a WebDriver error is an element replaced by a live update between finding and
/// using it: find it again.
fn stale(e: &fantoccini::error::CmdError) -> bool {
    e.to_string().contains("stale element")
}

async fn click(c: &Client, css: &str) -> Result<(), String> {
    for _ in 0..20 {
        let el = c
            .wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Css(css))
            .await
            .map_err(err(css))?;
        match el.click().await {
            Err(e) if stale(&e) => tokio::time::sleep(Duration::from_millis(50)).await,
            other => return other.map_err(err(css)),
        }
    }
    Err(format!(
        "{css}: replaced again and again while being clicked"
    ))
}

async fn fill(c: &Client, css: &str, value: &str) -> Result<(), String> {
    for _ in 0..20 {
        let el = c
            .wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Css(css))
            .await
            .map_err(err(css))?;
        let done = async {
            el.clear().await?;
            el.send_keys(value).await
        };
        match done.await {
            Err(e) if stale(&e) => tokio::time::sleep(Duration::from_millis(50)).await,
            other => return other.map_err(err(css)),
        }
    }
    Err(format!(
        "{css}: replaced again and again while being filled"
    ))
}

fn css_string(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// A member joins with the team's code through the join page.
async fn join(c: &Client, base: &str, code: &str, name: &str) -> Result<(), String> {
    c.goto(&format!("{base}/join?code={code}"))
        .await
        .map_err(err("the join page"))?;
    fill(c, "#name", name).await?;
    click(c, "form[action='/join'] button[type=submit]").await?;
    for _ in 0..200 {
        let url = c.current_url().await.map_err(err("the address"))?;
        if url.path() == "/team" {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Err(format!(
        "{name} did not reach the team page: {}",
        text(c).await.unwrap_or_default()
    ))
}

/// The team's view as the API serves it to this browser (its cookie).
async fn view(c: &Client) -> Result<Value, String> {
    let raw = c
        .execute(
            "return fetch('/api/team', {credentials: 'same-origin'}).then(r => r.text());",
            vec![],
        )
        .await
        .map_err(err("the view"))?;
    let text = raw.as_str().unwrap_or("{}");
    let v: Value = serde_json::from_str(text).map_err(err("the view's JSON"))?;
    Ok(v["view"].clone())
}

/// Back to the composer's list of actions, if a composition is open.
async fn composer_home(c: &Client) -> Result<(), String> {
    let back = c
        .find_all(Locator::Css("#composer a[data-compose='/team/compose']"))
        .await
        .map_err(err("the composer"))?;
    if let Some(b) = back.into_iter().next() {
        match b.click().await {
            // Replaced by a live update: the composer was drawn again, at its start.
            Err(e) if stale(&e) => {}
            other => other.map_err(err("back"))?,
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Ok(())
}

/// Queues one command the way a trainee does: the composer (action, target, preview, queue),
/// the question form in the inbox, or the findings form.
async fn play_command(c: &Client, command: &RawCommand) -> Result<(), String> {
    match command {
        RawCommand::Act(
            action,
            RawTarget::Findings {
                entry,
                hosts,
                data,
                first_turn,
                root_cause,
            },
        ) => {
            composer_home(c).await?;
            let form = "#findings-form";
            c.wait()
                .for_element(Locator::Css(form))
                .await
                .map_err(err(form))?;
            let details = c
                .find(Locator::Css("details[data-key=findings]"))
                .await
                .map_err(err("findings"))?;
            if details.attr("open").await.map_err(err("open"))?.is_none() {
                click(c, "details[data-key=findings] summary").await?;
            }
            let _ = action;
            click(c, &format!("#entry option[value={}]", css_string(entry))).await?;
            for h in hosts {
                click(
                    c,
                    &format!("{form} input[name=hosts][value={}]", css_string(h)),
                )
                .await?;
            }
            for d in data {
                click(
                    c,
                    &format!("{form} input[name=data][value={}]", css_string(d)),
                )
                .await?;
            }
            fill(c, "#first-turn", &first_turn.to_string()).await?;
            if let Some(r) = root_cause {
                click(c, &format!("#root-cause option[value={}]", css_string(r))).await?;
            }
            click(c, &format!("{form} button[type=submit]")).await?;
        }
        RawCommand::Act(action, target) => {
            // Back to the list of actions, then the action.
            composer_home(c).await?;
            click(
                c,
                &format!(
                    "a[data-compose={}]",
                    css_string(&format!("/team/compose?action={action}"))
                ),
            )
            .await?;
            if !matches!(target, RawTarget::Org) {
                let value = serde_json::to_string(target).map_err(err("target"))?;
                click(
                    c,
                    &format!("#target-select option[value={}]", css_string(&value)),
                )
                .await?;
            }
            click(
                c,
                "#composer form[action='/team/queue'] button[type=submit]",
            )
            .await?;
        }
        RawCommand::Answer(inject, choice) => {
            let item = format!(
                "details.inbox-item[data-key^={}]",
                css_string(&format!("message:{inject}:"))
            );
            let details = c
                .wait()
                .for_element(Locator::Css(&item))
                .await
                .map_err(err(&item))?;
            if details.attr("open").await.map_err(err("open"))?.is_none() {
                click(c, &format!("{item} summary")).await?;
            }
            click(
                c,
                &format!("{item} input[name=choice][value={}]", css_string(choice)),
            )
            .await?;
            click(
                c,
                &format!("{item} form[action='/team/answer'] button[type=submit]"),
            )
            .await?;
        }
        other => return Err(format!("the browser test does not play {other:?}")),
    }
    // The page's flash says what happened.
    for _ in 0..100 {
        let flash = c.find(Locator::Css("#flash")).await.map_err(err("flash"))?;
        let t = match flash.text().await {
            Err(e) if stale(&e) => {
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
            other => other.map_err(err("flash"))?,
        };
        if !t.is_empty() {
            if flash
                .attr("class")
                .await
                .map_err(err("class"))?
                .unwrap_or_default()
                .contains("bad")
            {
                return Err(format!("{command:?} was refused: {t}"));
            }
            c.execute("document.getElementById('flash').textContent=''", vec![])
                .await
                .map_err(err("reset"))?;
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(30)).await;
    }
    Err(format!("no answer to {command:?}"))
}

async fn done(c: &Client) -> Result<(), String> {
    click(c, "#done-turn button").await
}

fn walkthrough(turn: u32) -> Vec<RawCommand> {
    let s = cyberdrill::scenario::load(&root().join("scenarios/tutorial.ron"))
        .expect("the tutorial")
        .0;
    s.walkthrough
        .iter()
        .filter(|p| p.turn == turn)
        .flat_map(|p| p.commands.iter().map(|c| s.command_to_raw(c)))
        .collect()
}

fn walkthrough_score(seed: u64) -> i64 {
    let s = Arc::new(
        cyberdrill::scenario::load(&root().join("scenarios/tutorial.ron"))
            .expect("the tutorial")
            .0,
    );
    let mut session = Session::new(s.clone(), seed, &["x"]).expect("a session");
    bots::play(
        &mut session,
        TeamId(0),
        &mut Scripted::walkthrough(&s),
        None,
    )
    .expect("played");
    session.scorecard(TeamId(0)).total
}

async fn room_plays_the_tutorial() -> Result<(), String> {
    let running = server("room").await;
    let base = format!("http://{}", running.addr);
    let driver = driver().await?;

    // The facilitator signs in with the printed link and opens a drill in the console.
    let fac = browser(&driver, "en").await?;
    fac.goto(&running.state.facilitator_url(&running.facilitator_token))
        .await
        .map_err(err("sign-in"))?;
    wait_text(&fac, "Open a new drill").await?;
    click(&fac, "input[name=scenario][value='tutorial.ron']").await?;
    fill(&fac, "#teams", "Red\nBlue").await?;
    fill(&fac, "#seed", "4").await?;
    screenshots(&fac, "facilitator-drills").await?;
    click(
        &fac,
        "form[action='/facilitator/drills'] button[type=submit]",
    )
    .await?;
    wait_text(&fac, "Join links").await?;
    screenshots(&fac, "facilitator-lobby").await?;
    let codes: Vec<String> = {
        let els = fac
            .find_all(Locator::Css(".join-code .code"))
            .await
            .map_err(err("codes"))?;
        let mut out = Vec::new();
        for e in els {
            out.push(e.text().await.map_err(err("code"))?);
        }
        out
    };
    if codes.len() != 2 {
        return Err(format!("two join codes expected, found {codes:?}"));
    }

    // Red: two members in two sessions; Blue: one.
    let red_a = browser(&driver, "en").await?;
    let red_b = browser(&driver, "en").await?;
    let blue = browser(&driver, "en").await?;
    join(&red_a, &base, &codes[0], "Aoki").await?;
    screenshots(&red_a, "team-briefing").await?;
    join(&red_b, &base, &codes[0], "Sato").await?;
    join(&blue, &base, &codes[1], "Ito").await?;
    wait_text(&fac, "Sato").await?;
    click(&fac, "form[action$='/control'] input[value=start] ~ button").await?;
    wait_text(&fac, "Running").await?;
    wait_text(&red_a, "Running").await?;

    let mut turn = 1;
    loop {
        let v = view(&red_a).await?;
        if !v["ended"].is_null() {
            break;
        }
        if turn > 10 {
            return Err("the tutorial has 10 turns".into());
        }
        // Red plays the walkthrough through the pages, split between its two members.
        for (i, command) in walkthrough(turn).iter().enumerate() {
            let member = if i % 2 == 0 { &red_a } else { &red_b };
            play_command(member, command).await?;
        }
        if turn == 2 {
            // What one member queued, the other sees (live), with who queued it.
            wait_text(&red_b, "— Aoki").await?;
            screenshots(&red_b, "team-main").await?;
            click(&red_a, "a[data-compose='/team/compose?action=isolate']").await?;
            screenshots(&red_a, "team-composer").await?;
            composer_home(&red_a).await?;
            fac.goto(&format!(
                "{base}/facilitator/drills/{}",
                v["drill"]["id"].as_str().unwrap_or("")
            ))
            .await
            .map_err(err("console"))?;
            screenshots(&fac, "facilitator-room").await?;
        }
        for member in [&red_a, &red_b, &blue] {
            if view(member).await?["ended"].is_null() {
                done(member).await?;
            }
        }
        // The turn ends for the room (the view shows the last turn played); each page follows
        // by itself.
        for member in [&red_a, &red_b, &blue] {
            for _ in 0..400 {
                let v = view(member).await?;
                if !v["ended"].is_null() || v["turn"].as_u64() >= Some(u64::from(turn)) {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
        if view(&red_a).await?["ended"].is_null() {
            wait_text(&red_a, &format!("Turn {turn}/")).await?;
        }
        turn += 1;
        // Blue may still be playing after Red has won: it keeps ending its turns.
        if !view(&red_a).await?["ended"].is_null() {
            blue.refresh().await.map_err(err("refresh"))?;
            while view(&blue).await?["ended"].is_null() {
                let t = view(&blue).await?["turn"].as_u64().unwrap_or(0);
                done(&blue).await?;
                for _ in 0..400 {
                    let v = view(&blue).await?;
                    if !v["ended"].is_null() || v["turn"].as_u64() > Some(t) {
                        break;
                    }
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            }
        }
    }
    let red_view = view(&red_a).await?;
    if red_view["score"]["total"].as_i64() != Some(walkthrough_score(4)) {
        return Err(format!(
            "Red played the walkthrough through the pages and scored {}, not the walkthrough's {}",
            red_view["score"]["total"],
            walkthrough_score(4)
        ));
    }
    // The drill ends when both teams have; the debrief and the ranking follow.
    wait_text(&red_a, "What really happened").await?;
    screenshots(&red_a, "team-debrief").await?;
    let drill = red_view["drill"]["id"].as_str().unwrap_or("").to_owned();
    fac.goto(&format!("{base}/facilitator/drills/{drill}/projector"))
        .await
        .map_err(err("projector"))?;
    wait_text(&fac, "Ranking").await?;
    let projector = text(&fac).await?;
    let (red_at, blue_at) = (projector.find("Red"), projector.find("Blue"));
    if !matches!((red_at, blue_at), (Some(r), Some(b)) if r < b) {
        return Err(format!("Red (the walkthrough) ranks first:\n{projector}"));
    }
    screenshots(&fac, "projector").await?;
    // The after-action report opens.
    red_a
        .goto(&format!("{base}/api/team/report?format=html"))
        .await
        .map_err(err("report"))?;
    wait_text(&red_a, "After-action report").await?;
    screenshots(&red_a, "team-report").await?;
    for c in [fac, red_a, red_b, blue] {
        let _ = c.close().await;
    }
    running.stop().await.map_err(err("stop"))?;
    Ok(())
}

async fn pages_in_japanese_at_tablet_width() -> Result<(), String> {
    let running = server("ja").await;
    let base = format!("http://{}", running.addr);
    let created = running
        .state
        .create_drill(
            &root().join("scenarios/municipal-breach.ron"),
            &serde_json::from_value(
                json!({"scenario": "municipal-breach", "teams": ["赤", "青"], "lang": "ja"}),
            )
            .map_err(err("spec"))?,
        )
        .await
        .map_err(|e| e.message)?;
    let driver = driver().await?;
    let member = browser(&driver, "ja").await?;
    viewport(&member, 768, 1024).await?;
    join(&member, &base, &created.teams[0].code, "青木").await?;
    wait_text(&member, "受信箱").await?;
    wait_text(&member, "ブリーフィング").await?;
    screenshots(&member, "team-main-ja").await?;
    // The switch on every page: to English and back.
    click(&member, "nav.langs a[lang=en]").await?;
    wait_text(&member, "Inbox").await?;
    click(&member, "nav.langs a[lang=ja]").await?;
    wait_text(&member, "受信箱").await?;
    // The keyboard reaches the composer's first action.
    member
        .execute("document.querySelector('#composer a').focus()", vec![])
        .await
        .map_err(err("focus"))?;
    let focused = member
        .execute("return document.activeElement.textContent", vec![])
        .await
        .map_err(err("focused"))?;
    if focused.as_str().unwrap_or("").is_empty() {
        return Err("the composer's actions take the keyboard's focus".into());
    }
    // No page asks anything of another host: everything is served by the binary.
    let external = member
        .execute(
            "return performance.getEntriesByType('resource').map(e => e.name).filter(n => !n.startsWith(location.origin))",
            vec![],
        )
        .await
        .map_err(err("resources"))?;
    if external.as_array().is_some_and(|a| !a.is_empty()) {
        return Err(format!("requests to other hosts: {external}"));
    }
    let _ = member.close().await;
    running.stop().await.map_err(err("stop"))?;
    Ok(())
}

/// The HTML after-action report of a room (two teams of the flagship) opened from a file, as a
/// trainee's manager would: every table drawn, nothing wider than the page at 1280 or 768 px,
/// in English and Japanese; screenshots kept in target/browser-screenshots/.
async fn report_renders() -> Result<(), String> {
    use cyberdrill::engine::TeamId;
    use cyberdrill::report::{aar, html};
    use cyberdrill::scenario::model::Lang;
    use cyberdrill::session::Session;
    use cyberdrill::session::bots::{self, Idle, Scripted};
    let bytes =
        std::fs::read(root().join("scenarios/municipal-breach.ron")).map_err(|e| e.to_string())?;
    let s = std::sync::Arc::new(
        cyberdrill::scenario::check_bytes("municipal-breach.ron", &bytes)
            .scenario
            .ok_or("the flagship is valid")?,
    );
    let mut session = Session::new(s.clone(), 2, &["Red", "Blue"]).map_err(|e| e.to_string())?;
    bots::play(
        &mut session,
        TeamId(0),
        &mut Scripted::walkthrough(&s),
        None,
    )
    .map_err(|e| e.to_string())?;
    bots::play(&mut session, TeamId(1), &mut Idle, None).map_err(|e| e.to_string())?;
    let driver = driver().await?;
    let dir = std::env::temp_dir().join(format!("cyberdrill-report-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    for lang in [Lang::En, Lang::Ja] {
        let teams = [
            ("Red", session.events(TeamId(0))),
            ("Blue", session.events(TeamId(1))),
        ];
        let report = aar::build(&s, 2, &teams, lang);
        let file = dir.join(format!("report-{}.html", lang.code()));
        std::fs::write(&file, html::render(&report)).map_err(|e| e.to_string())?;
        let c = browser(&driver, lang.code()).await?;
        c.goto(&format!("file://{}", file.display()))
            .await
            .map_err(|e| e.to_string())?;
        let tables = c
            .find_all(Locator::Css("table"))
            .await
            .map_err(err("tables"))?
            .len();
        if tables < 8 {
            return Err(format!("{lang:?}: {tables} tables drawn"));
        }
        for width in [1280u32, 768] {
            viewport(&c, width, 900).await?;
            let wide = c
                .execute(
                    "return document.documentElement.scrollWidth - window.innerWidth",
                    vec![],
                )
                .await
                .map_err(|e| e.to_string())?;
            if wide.as_i64().unwrap_or(0) > 0 {
                return Err(format!(
                    "{lang:?}: {wide} px wider than the page at {width} px"
                ));
            }
        }
        screenshots(&c, &format!("report-{}", lang.code())).await?;
        c.close().await.map_err(|e| e.to_string())?;
    }
    Ok(())
}

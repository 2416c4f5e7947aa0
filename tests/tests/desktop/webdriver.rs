//! The few W3C WebDriver calls the end-to-end tests make, over HTTP to tauri-driver. (A client crate would
//! bring a second HTTP stack; reqwest is already in the tree for the server's clients.)

use anyhow::{Context, bail};
use base64::Engine;
use serde_json::{Value, json};
use std::path::Path;
use std::time::{Duration, Instant};

const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

#[derive(Debug)]
pub struct Session {
    http: reqwest::Client,
    base: String,
}

#[derive(Debug, Clone)]
pub struct Element(String);

impl Session {
    /// Starts the app at `application` through the driver listening on `port`.
    pub async fn start(port: u16, application: &Path) -> anyhow::Result<Self> {
        // reqwest is built without a TLS provider of its own (the workspace uses ring); WebDriver is plain HTTP,
        // but the client is built with TLS all the same. Already installed is fine.
        let _ = rustls::crypto::ring::default_provider().install_default();
        // A fresh connection per call: tauri-driver stalls on a reused one. No call may hang the test.
        let http = reqwest::Client::builder().pool_max_idle_per_host(0).timeout(Duration::from_secs(60)).build()?;
        let caps = json!({ "capabilities": { "alwaysMatch": { "tauri:options": { "application": application } } } });
        let reply: Value =
            http.post(format!("http://127.0.0.1:{port}/session")).json(&caps).send().await?.json().await?;
        let id = reply["value"]["sessionId"].as_str().with_context(|| format!("no session: {reply}"))?;
        Ok(Self { http, base: format!("http://127.0.0.1:{port}/session/{id}") })
    }

    async fn send(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> anyhow::Result<Value> {
        let mut request = self.http.request(method, format!("{}{path}", self.base));
        if let Some(body) = body {
            request = request.json(&body);
        }
        let reply: Value = request.send().await?.json().await?;
        if let Some(error) = reply["value"]["error"].as_str() {
            bail!("{path}: {error}: {}", reply["value"]["message"]);
        }
        Ok(reply["value"].clone())
    }

    async fn post(&self, path: &str, body: Value) -> anyhow::Result<Value> {
        self.send(reqwest::Method::POST, path, Some(body)).await
    }

    async fn get(&self, path: &str) -> anyhow::Result<Value> {
        self.send(reqwest::Method::GET, path, None).await
    }

    async fn find_all(&self, css: &str) -> anyhow::Result<Vec<Element>> {
        let found = self.post("/elements", json!({ "using": "css selector", "value": css })).await?;
        let list = found.as_array().context("elements: a list")?;
        Ok(list.iter().filter_map(|e| e[ELEMENT_KEY].as_str()).map(|id| Element(id.to_owned())).collect())
    }

    /// Asks `check` every 100 ms until it gives a value; after `timeout`, fails saying `never` (with the
    /// last value seen, as `check` describes it).
    async fn poll<T>(
        &self,
        timeout: Duration,
        mut check: impl AsyncFnMut() -> anyhow::Result<Result<T, String>>,
    ) -> anyhow::Result<T> {
        let deadline = Instant::now() + timeout;
        loop {
            match check().await? {
                Ok(found) => return Ok(found),
                Err(why) if Instant::now() > deadline => bail!("{why} within {timeout:?}"),
                Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
            }
        }
    }

    /// The first element matching `css`, waiting up to `timeout` for it to appear.
    pub async fn wait_for(&self, css: &str, timeout: Duration) -> anyhow::Result<Element> {
        self.poll(timeout, async || {
            Ok(self.find_all(css).await?.into_iter().next().ok_or(format!("{css} did not appear")))
        })
        .await
    }

    /// Waits up to `timeout` until nothing matches `css`.
    pub async fn wait_for_gone(&self, css: &str, timeout: Duration) -> anyhow::Result<()> {
        self.poll(timeout, async || {
            Ok(if self.find_all(css).await?.is_empty() { Ok(()) } else { Err(format!("{css} did not go")) })
        })
        .await
    }

    pub async fn find(&self, css: &str) -> anyhow::Result<Element> {
        self.wait_for(css, Duration::from_secs(5)).await
    }

    pub async fn count(&self, css: &str) -> anyhow::Result<usize> {
        Ok(self.find_all(css).await?.len())
    }

    /// Clicks the first element matching `css` once it is enabled: a button the page enables as text is
    /// typed may still be disabled for a moment after the keys were sent (seen under load).
    pub async fn click(&self, css: &str) -> anyhow::Result<()> {
        let element = self.find(&format!("{css}:not(:disabled)")).await?;
        self.post(&format!("/element/{}/click", element.0), json!({})).await.map(drop)
    }

    pub async fn type_into(&self, css: &str, text: &str) -> anyhow::Result<()> {
        let element = self.find(css).await?;
        self.post(&format!("/element/{}/clear", element.0), json!({})).await?;
        self.post(&format!("/element/{}/value", element.0), json!({ "text": text })).await.map(drop)
    }

    pub async fn text(&self, css: &str) -> anyhow::Result<String> {
        let element = self.find(css).await?;
        let text = self.get(&format!("/element/{}/text", element.0)).await?;
        Ok(text.as_str().unwrap_or_default().to_owned())
    }

    /// An attribute of the first element matching `css` (`None` when it has none).
    pub async fn attribute(&self, css: &str, name: &str) -> anyhow::Result<Option<String>> {
        let element = self.find(css).await?;
        let value = self.get(&format!("/element/{}/attribute/{name}", element.0)).await?;
        Ok(value.as_str().map(str::to_owned))
    }

    /// Waits until the numeric attribute `name` of `css` is at least `wanted`; returns its value.
    pub async fn wait_for_at_least(
        &self,
        css: &str,
        name: &str,
        wanted: f64,
        timeout: Duration,
    ) -> anyhow::Result<f64> {
        self.poll(timeout, async || {
            let value = self.attribute(css, name).await.ok().flatten().and_then(|v| v.parse::<f64>().ok());
            Ok(match value {
                Some(v) if v >= wanted => Ok(v),
                _ => Err(format!("{css} [{name}] never reached {wanted}; it is {value:?}")),
            })
        })
        .await
    }

    /// An input's current value.
    pub async fn value(&self, css: &str) -> anyhow::Result<String> {
        let element = self.find(css).await?;
        let value = self.get(&format!("/element/{}/property/value", element.0)).await?;
        Ok(value.as_str().unwrap_or_default().to_owned())
    }

    /// Waits until the text of `css` contains `wanted`; returns the text.
    pub async fn wait_for_text(&self, css: &str, wanted: &str, timeout: Duration) -> anyhow::Result<String> {
        self.poll(timeout, async || {
            let text = self.text(css).await.unwrap_or_default();
            Ok(if text.contains(wanted) {
                Ok(text)
            } else {
                Err(format!("{css} never showed {wanted:?}; it shows {text:?}"))
            })
        })
        .await
    }

    /// Scrolls `css` into view, waits for two painted frames (WebKit's screenshot is the last painted one),
    /// and saves the window as a PNG.
    pub async fn screenshot_at(&self, css: &str, file: &Path) -> anyhow::Result<()> {
        let element = self.find(css).await?;
        let painted = "const [el, done] = arguments; el.scrollIntoView({block: 'center'}); \
                       requestAnimationFrame(() => requestAnimationFrame(() => done(true)));";
        let reference = serde_json::Map::from_iter([(ELEMENT_KEY.to_owned(), Value::from(element.0))]);
        self.post("/execute/async", json!({ "script": painted, "args": [reference] })).await?;
        let png = self.get("/screenshot").await?;
        let bytes = base64::engine::general_purpose::STANDARD.decode(png.as_str().context("a base64 PNG")?)?;
        std::fs::write(file, bytes).with_context(|| format!("cannot write {}", file.display()))
    }

    /// Ends the session, which closes the app.
    pub async fn end(self) -> anyhow::Result<()> {
        self.http.delete(&self.base).send().await?;
        Ok(())
    }
}

//! A small std-only static file server for the demo and the browser end-to-end tests.
//!
//! It binds 127.0.0.1 only, serves `GET` and `HEAD`, maps URL prefixes to directories (longest
//! prefix wins), answers `index.html` for directories, sends `application/wasm` for `.wasm` (so
//! `WebAssembly.instantiateStreaming` works), refuses any path with a `..` segment, and sends
//! `Cache-Control: no-store` so a rebuilt `dist/` is always picked up.

use crate::{Failure, Outcome};
use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// One URL prefix (starting and ending with `/`) served from one directory.
#[derive(Clone, Debug)]
pub struct Mount {
    pub prefix: String,
    pub dir: PathBuf,
}

impl Mount {
    pub fn new(prefix: &str, dir: PathBuf) -> Self {
        let mut prefix = prefix.trim_end_matches('/').to_string() + "/";
        if !prefix.starts_with('/') {
            prefix.insert(0, '/');
        }
        Mount { prefix, dir }
    }
}

/// A bound, not yet serving, server.
pub struct Server {
    listener: TcpListener,
    mounts: Arc<Vec<Mount>>,
}

/// How many ports after the requested one `bind` tries when it is taken.
const PORT_ATTEMPTS: u16 = 20;

impl Server {
    /// Binds 127.0.0.1:`port`, or the next free port after it; port 0 lets the OS choose.
    pub fn bind(port: u16, mut mounts: Vec<Mount>) -> Outcome<Server> {
        // Longest prefix first, so `/trailmark/` wins over `/`.
        mounts.sort_by_key(|m| std::cmp::Reverse(m.prefix.len()));
        let mounts = Arc::new(mounts);
        let last = if port == 0 {
            0
        } else {
            port.saturating_add(PORT_ATTEMPTS - 1)
        };
        let mut last_error = None;
        for candidate in port..=last {
            match TcpListener::bind(("127.0.0.1", candidate)) {
                Ok(listener) => return Ok(Server { listener, mounts }),
                Err(e) => last_error = Some(e),
            }
        }
        Err(Failure(format!(
            "no free port in 127.0.0.1:{port}..={last}: {}",
            last_error.map_or_else(String::new, |e| e.to_string())
        )))
    }

    pub fn addr(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .expect("a bound listener has an address")
    }

    pub fn url(&self) -> String {
        format!("http://{}/", self.addr())
    }

    /// Serves forever, one thread per connection.
    pub fn serve_forever(self) -> Outcome {
        for stream in self.listener.incoming() {
            let Ok(stream) = stream else { continue };
            let mounts = Arc::clone(&self.mounts);
            std::thread::spawn(move || {
                let _ = handle(stream, &mounts);
            });
        }
        Ok(())
    }

    /// Serves on a background thread (for tests that need the server while they run).
    #[cfg(test)]
    pub fn spawn(self) -> String {
        let url = self.url();
        std::thread::spawn(move || self.serve_forever());
        url
    }
}

/// `cargo xtask serve [--root DIR] [--mount /PREFIX/=DIR]... [--port N]`.
pub fn run_cli(args: &[String]) -> Outcome {
    let mut port = 8080;
    let mut mounts = Vec::new();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut value = || {
            args.next()
                .ok_or_else(|| Failure(format!("{arg} needs a value")))
        };
        match arg.as_str() {
            "--port" => port = parse_port(value()?)?,
            "--root" => mounts.push(Mount::new("/", absolute(value()?))),
            "--mount" => {
                let spec = value()?;
                let (prefix, dir) = spec
                    .split_once('=')
                    .ok_or_else(|| Failure(format!("--mount wants /PREFIX/=DIR, got `{spec}`")))?;
                mounts.push(Mount::new(prefix, absolute(dir)));
            }
            other => return Err(Failure(format!("unexpected argument `{other}`"))),
        }
    }
    if mounts.is_empty() {
        mounts.push(Mount::new("/", absolute(".")));
    }
    let server = Server::bind(port, mounts.clone())?;
    for mount in &mounts {
        println!("serve: {} -> {}", mount.prefix, mount.dir.display());
    }
    println!("Serving on {}", server.url());
    crate::cmd::flush();
    server.serve_forever()
}

pub fn parse_port(text: &str) -> Outcome<u16> {
    text.parse()
        .map_err(|_| Failure(format!("invalid port `{text}`")))
}

fn absolute(dir: &str) -> PathBuf {
    std::env::current_dir()
        .map(|cwd| cwd.join(dir))
        .unwrap_or_else(|_| PathBuf::from(dir))
}

fn handle(mut stream: TcpStream, mounts: &[Mount]) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    // Drain the headers; nothing in them changes the answer.
    let mut header = String::new();
    while reader.read_line(&mut header)? > 2 {
        header.clear();
    }
    let mut words = request_line.split_whitespace();
    let (method, target) = (words.next().unwrap_or(""), words.next().unwrap_or(""));
    let head_only = method == "HEAD";
    if method != "GET" && !head_only {
        return respond(
            &mut stream,
            405,
            "text/plain",
            b"method not allowed\n",
            false,
        );
    }
    match resolve(target, mounts) {
        Err(Rejection::Forbidden) => {
            respond(&mut stream, 403, "text/plain", b"forbidden\n", head_only)
        }
        Err(Rejection::NotFound) => {
            respond(&mut stream, 404, "text/plain", b"not found\n", head_only)
        }
        Ok(file) => match std::fs::read(&file) {
            Ok(body) => respond(&mut stream, 200, content_type(&file), &body, head_only),
            Err(_) => respond(&mut stream, 404, "text/plain", b"not found\n", head_only),
        },
    }
}

#[derive(Debug, PartialEq)]
enum Rejection {
    Forbidden,
    NotFound,
}

/// Maps a request target to a file under one mount, refusing traversal.
fn resolve(target: &str, mounts: &[Mount]) -> Result<PathBuf, Rejection> {
    let path = target.split(['?', '#']).next().unwrap_or("");
    let path = percent_decode(path).ok_or(Rejection::Forbidden)?;
    if !path.starts_with('/') || path.contains('\0') || path.contains('\\') {
        return Err(Rejection::Forbidden);
    }
    if path.split('/').any(|segment| segment == "..") {
        return Err(Rejection::Forbidden);
    }
    // `/trailmark` (no slash) also belongs to the `/trailmark/` mount.
    let with_slash = format!("{path}/");
    let mount = mounts
        .iter()
        .find(|m| path.starts_with(&m.prefix) || with_slash == m.prefix)
        .ok_or(Rejection::NotFound)?;
    let relative = path.get(mount.prefix.len()..).unwrap_or("");
    let mut file = mount.dir.clone();
    for segment in relative.split('/').filter(|s| !s.is_empty() && *s != ".") {
        file.push(segment);
    }
    if file.is_dir() {
        file.push("index.html");
    }
    if file.is_file() {
        Ok(file)
    } else {
        Err(Rejection::NotFound)
    }
}

/// Decodes `%XX` escapes; `None` for malformed escapes or non-UTF-8 results.
fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

pub fn content_type(path: &Path) -> &'static str {
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    match extension.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" | "map" => "application/json",
        "wasm" => "application/wasm",
        "ts" => "text/plain; charset=utf-8",
        "txt" | "md" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "webmanifest" => "application/manifest+json",
        _ => "application/octet-stream",
    }
}

fn respond(
    stream: &mut TcpStream,
    status: u16,
    content_type: &str,
    body: &[u8],
    head_only: bool,
) -> std::io::Result<()> {
    let reason = match status {
        200 => "OK",
        403 => "Forbidden",
        404 => "Not Found",
        _ => "Method Not Allowed",
    };
    let header = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: {content_type}\r\n\
         Content-Length: {}\r\nCache-Control: no-store\r\n\
         X-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(header.as_bytes())?;
    if !head_only {
        stream.write_all(body)?;
    }
    stream.flush()
}

/// Reads a whole HTTP response for `target` (tests only: a minimal client for our own server).
#[cfg(test)]
fn get(addr: SocketAddr, target: &str) -> String {
    use std::io::Read;
    let mut stream = TcpStream::connect(addr).unwrap();
    write!(stream, "GET {target} HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture() -> PathBuf {
        let dir = std::env::temp_dir().join(format!("xtask-serve-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("site/sub")).unwrap();
        std::fs::create_dir_all(dir.join("dist/pkg")).unwrap();
        std::fs::write(dir.join("site/index.html"), "<h1>shop</h1>").unwrap();
        std::fs::write(dir.join("site/sub/page.html"), "sub").unwrap();
        std::fs::write(dir.join("dist/pkg/m_bg.wasm"), b"\0asm").unwrap();
        std::fs::write(dir.join("secret.txt"), "secret").unwrap();
        dir
    }

    #[test]
    fn serves_mounts_with_content_types_and_refuses_traversal() {
        let dir = fixture();
        let server = Server::bind(
            0,
            vec![
                Mount::new("/", dir.join("site")),
                Mount::new("/trailmark/", dir.join("dist")),
            ],
        )
        .unwrap();
        let addr = server.addr();
        server.spawn();

        let index = get(addr, "/");
        assert!(index.starts_with("HTTP/1.1 200"), "{index}");
        assert!(index.contains("text/html"));
        assert!(index.ends_with("<h1>shop</h1>"));
        assert!(get(addr, "/sub/page.html?x=1").ends_with("sub"));
        let wasm = get(addr, "/trailmark/pkg/m_bg.wasm");
        assert!(wasm.contains("Content-Type: application/wasm"), "{wasm}");
        assert!(get(addr, "/nope.js").starts_with("HTTP/1.1 404"));
        assert!(get(addr, "/../secret.txt").starts_with("HTTP/1.1 403"));
        assert!(get(addr, "/sub/%2e%2e/%2e%2e/secret.txt").starts_with("HTTP/1.1 403"));
        assert!(get(addr, "/trailmark/..%2f..%2fsecret.txt").starts_with("HTTP/1.1 403"));
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn taken_ports_fall_through_to_the_next() {
        let first = Server::bind(0, Vec::new()).unwrap();
        let taken = first.addr().port();
        let second = Server::bind(taken, Vec::new()).unwrap();
        assert_ne!(second.addr().port(), taken);
    }
}

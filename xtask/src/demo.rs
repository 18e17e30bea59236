//! `cargo xtask demo [--port N]`: builds the package and serves the demo shop with it, the way a
//! site would: the shop at `/`, `dist/` at `/trailmark/` (where the script tag points).

use crate::serve::{parse_port, Server};
use crate::{cmd, setup, test, wasm};
use crate::{Failure, Outcome};

/// Port tried first; the next ones are tried when it is taken.
const DEFAULT_PORT: u16 = 8080;

pub fn run(args: &[String]) -> Outcome {
    let port = match args {
        [] => DEFAULT_PORT,
        [flag, value] if flag == "--port" => parse_port(value)?,
        _ => return Err(Failure("usage: cargo xtask demo [--port N]".into())),
    };
    setup::run()?;
    wasm::build()?;

    let root = crate::root();
    let shop = root.join(test::DEMO_SHOP);
    if !shop.join("index.html").is_file() {
        println!(
            "demo: note: {} does not exist yet; serving what there is (dist/ at /trailmark/)",
            shop.join("index.html").display()
        );
    }
    let server = Server::bind(port, test::demo_mounts(&root))?;
    if server.addr().port() != port {
        println!("demo: port {port} is taken, using {}", server.addr().port());
    }
    println!("Trailmark demo shop: {}", server.url());
    cmd::flush();
    server.serve_forever()
}

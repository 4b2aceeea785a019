//! A TCP proxy in front of the server whose open connections a test can cut, as a
//! network blip would: new connections still get through.

use std::net::SocketAddr;

use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

pub struct Proxy {
    addr: SocketAddr,
    cuts: watch::Sender<u64>,
}

impl Proxy {
    /// Forwards `127.0.0.1:<free port>` to `target`.
    pub async fn start(target: SocketAddr) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (cuts, watched) = watch::channel(0u64);
        tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                let mut cut = watched.clone();
                cut.mark_unchanged();
                tokio::spawn(async move {
                    let Ok(mut server) = TcpStream::connect(target).await else {
                        return;
                    };
                    tokio::select! {
                        _ = tokio::io::copy_bidirectional(&mut client, &mut server) => {}
                        _ = cut.changed() => {}
                    }
                });
            }
        });
        Proxy { addr, cuts }
    }

    /// The proxy's `http://` base.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Closes every connection open now.
    pub fn cut(&self) {
        self.cuts.send_modify(|generation| *generation += 1);
    }
}

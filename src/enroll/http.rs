//! A small HTTP/1.1 responder for `/metrics` and `/healthz`: enough HTTP for Prometheus and a
//! health checker, and nothing a stranger on the port can use to hurt the service.
//!
//! Each connection gets one answer and is closed (`Connection: close`): no keep-alive, no
//! request bodies, no chunking. The request head is read with a size cap ([`MAX_HEAD`]) and a
//! deadline ([`DEADLINE`]); only its request line is looked at. Connections beyond
//! [`MAX_CONNECTIONS`] are closed at once, so a slow client holds no more than its own socket.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;

/// The most bytes of request head read; a longer head is answered 431.
pub const MAX_HEAD: usize = 8 * 1024;

/// How long a client has to send its request head, and then to take the answer.
pub const DEADLINE: Duration = Duration::from_secs(5);

/// Connections answered at once; more are closed unanswered.
pub const MAX_CONNECTIONS: usize = 32;

/// An answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    pub content_type: &'static str,
    pub body: String,
}

impl Response {
    pub fn text(status: u16, body: impl Into<String>) -> Response {
        Response {
            status,
            content_type: "text/plain; charset=utf-8",
            body: body.into(),
        }
    }
}

/// What the client asked for, once its request line was understood.
#[derive(Debug, PartialEq, Eq)]
enum Parsed<'a> {
    /// GET or HEAD of this path (the query string cut off).
    Get { path: &'a str, head: bool },
    /// A well-formed request with another method.
    OtherMethod,
    /// Not HTTP/1.x as this responder reads it.
    Bad,
}

fn is_token(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// The request line of `head` (`METHOD SP TARGET SP HTTP/1.x`).
fn parse(head: &[u8]) -> Parsed<'_> {
    let line = head.split(|&b| b == b'\n').next().unwrap_or_default();
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let Ok(line) = std::str::from_utf8(line) else {
        return Parsed::Bad;
    };
    let mut parts = line.split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Parsed::Bad;
    };
    if !is_token(method)
        || !target.starts_with('/')
        || target.bytes().any(|b| b.is_ascii_control())
        || !matches!(version, "HTTP/1.0" | "HTTP/1.1")
    {
        return Parsed::Bad;
    }
    let path = target.split('?').next().unwrap_or(target);
    match method {
        "GET" => Parsed::Get { path, head: false },
        "HEAD" => Parsed::Get { path, head: true },
        _ => Parsed::OtherMethod,
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "",
    }
}

/// Where the head ends (after the empty line), if it has arrived.
fn head_end(buf: &[u8]) -> Option<usize> {
    let crlf = buf.windows(4).position(|w| w == b"\r\n\r\n").map(|i| i + 4);
    let lf = buf.windows(2).position(|w| w == b"\n\n").map(|i| i + 2);
    match (crlf, lf) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// Reads the request head: `Ok(None)` when the client closed before sending one, `Err` with
/// the status to answer when it is too long or too slow.
async fn read_head(stream: &mut TcpStream) -> Result<Option<Vec<u8>>, u16> {
    let mut buf = vec![0u8; MAX_HEAD];
    let mut filled = 0;
    let read = async {
        loop {
            if let Some(end) = head_end(&buf[..filled]) {
                buf.truncate(end);
                return Ok(Some(buf));
            }
            if filled == MAX_HEAD {
                return Err(431);
            }
            match stream.read(&mut buf[filled..]).await {
                Ok(0) | Err(_) => return Ok(None),
                Ok(n) => filled += n,
            }
        }
    };
    tokio::time::timeout(DEADLINE, read)
        .await
        .unwrap_or(Err(408))
}

/// Answers one connection with `route(path)` (`None`: 404).
async fn answer<F, Fut>(mut stream: TcpStream, route: F)
where
    F: Fn(String) -> Fut,
    Fut: Future<Output = Option<Response>>,
{
    let (response, head_only, allow) = match read_head(&mut stream).await {
        Ok(None) => return,
        Err(status) => (Response::text(status, reason(status)), false, false),
        Ok(Some(head)) => match parse(&head) {
            Parsed::Bad => (Response::text(400, "bad request"), false, false),
            Parsed::OtherMethod => (Response::text(405, "only GET and HEAD"), false, true),
            Parsed::Get { path, head } => match route(path.to_string()).await {
                Some(response) => (response, head, false),
                None => (Response::text(404, "not found"), head, false),
            },
        },
    };
    let mut text = format!(
        "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n",
        response.status,
        reason(response.status),
        response.content_type,
        response.body.len()
    );
    if allow {
        text.push_str("Allow: GET, HEAD\r\n");
    }
    text.push_str("\r\n");
    if !head_only {
        text.push_str(&response.body);
    }
    let write = async {
        stream.write_all(text.as_bytes()).await?;
        stream.shutdown().await
    };
    let _ = tokio::time::timeout(DEADLINE, write).await;
}

/// Accepts connections on `listener` for as long as the runtime runs, answering each with
/// `route`.
pub async fn serve<F, Fut>(listener: TcpListener, route: F)
where
    F: Fn(String) -> Fut + Clone + Send + 'static,
    Fut: Future<Output = Option<Response>> + Send,
{
    let slots = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(_) => {
                // Out of file descriptors, or a connection reset before it was accepted: the
                // listener itself is fine, and trying again at once would spin.
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let Ok(slot) = slots.clone().try_acquire_owned() else {
            drop(stream);
            continue;
        };
        let route = route.clone();
        tokio::spawn(async move {
            answer(stream, route).await;
            drop(slot);
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_lines() {
        assert_eq!(
            parse(b"GET /metrics?x=1 HTTP/1.1\r\nHost: a\r\n\r\n"),
            Parsed::Get {
                path: "/metrics",
                head: false
            }
        );
        assert_eq!(
            parse(b"HEAD /healthz HTTP/1.0\n\n"),
            Parsed::Get {
                path: "/healthz",
                head: true
            }
        );
        assert_eq!(
            parse(b"POST /metrics HTTP/1.1\r\n\r\n"),
            Parsed::OtherMethod
        );
        for bad in [
            &b""[..],
            b"GET\r\n\r\n",
            b"GET /metrics\r\n\r\n",
            b"GET metrics HTTP/1.1\r\n\r\n",
            b"GET /metrics HTTP/2\r\n\r\n",
            b"GET  /metrics HTTP/1.1\r\n\r\n",
            b"G(T /metrics HTTP/1.1\r\n\r\n",
            b"GET /a\x01b HTTP/1.1\r\n\r\n",
            b"\xff\xfe /metrics HTTP/1.1\r\n\r\n",
        ] {
            assert_eq!(parse(bad), Parsed::Bad, "{bad:?}");
        }
    }

    #[test]
    fn the_head_ends_at_the_first_empty_line() {
        assert_eq!(head_end(b"GET / HTTP/1.1\r\n\r\nbody"), Some(18));
        assert_eq!(head_end(b"GET / HTTP/1.1\n\n"), Some(16));
        assert_eq!(head_end(b"GET / HTTP/1.1\r\nHost: a\r\n"), None);
    }

    async fn exchange(request: &[u8]) -> String {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        tokio::spawn(serve(listener, |path: String| async move {
            (path == "/x").then(|| Response::text(200, "fine"))
        }));
        let mut client = TcpStream::connect(addr).await.expect("connect");
        // The server may close before reading everything (431): a failed write is an answer.
        let _ = client.write_all(request).await;
        let mut out = Vec::new();
        let _ = client.read_to_end(&mut out).await;
        String::from_utf8_lossy(&out).into_owned()
    }

    #[tokio::test]
    async fn answers() {
        let ok = exchange(b"GET /x HTTP/1.1\r\n\r\n").await;
        assert!(ok.starts_with("HTTP/1.1 200 OK\r\n"), "{ok}");
        assert!(ok.contains("Connection: close\r\n"), "{ok}");
        assert!(ok.ends_with("\r\n\r\nfine"), "{ok}");
        let head = exchange(b"HEAD /x HTTP/1.1\r\n\r\n").await;
        assert!(head.contains("Content-Length: 4\r\n") && head.ends_with("\r\n\r\n"));
        assert!(
            exchange(b"GET /y HTTP/1.1\r\n\r\n")
                .await
                .starts_with("HTTP/1.1 404")
        );
        let post = exchange(b"DELETE /x HTTP/1.1\r\n\r\n").await;
        assert!(post.starts_with("HTTP/1.1 405") && post.contains("Allow: GET, HEAD"));
        assert!(
            exchange(b"\x16\x03\x01garbage\r\n\r\n")
                .await
                .starts_with("HTTP/1.1 400")
        );
        let huge = vec![b'a'; MAX_HEAD + 100];
        assert!(exchange(&huge).await.starts_with("HTTP/1.1 431"));
    }
}

//! TLS-PSK over a tokio socket: OpenSSL's stream (the shared `tls_psk` connector) driven
//! without blocking. OpenSSL reads and writes through a socket that answers "would block"
//! instead of waiting; each time it says so, the task waits until tokio reports the socket
//! ready and tries again, so one thread carries thousands of handshakes.

use openssl::ssl::{ConnectConfiguration, ErrorCode, HandshakeError, SslStream};
use std::io::{self, Read, Write};
use tokio::net::TcpStream;

/// A tokio socket as blocking I/O that never blocks.
pub(crate) struct Nonblocking(TcpStream);

impl Read for Nonblocking {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.0.try_read(buf)
    }
}

impl Write for Nonblocking {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.try_write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Why a PSK handshake failed: the alert the broker sent, or another error.
pub(crate) enum PskFailure {
    Alert(String),
    Other(String),
}

pub(crate) struct PskStream(SslStream<Nonblocking>);

/// Waits until `socket` can do what OpenSSL wants (`code`).
async fn ready(socket: &TcpStream, code: ErrorCode) -> io::Result<()> {
    if code == ErrorCode::WANT_WRITE {
        socket.writable().await
    } else {
        socket.readable().await
    }
}

fn wants_io(code: ErrorCode) -> bool {
    code == ErrorCode::WANT_READ || code == ErrorCode::WANT_WRITE
}

/// The handshake, as `config` (identity and key) sets it up, to `host` over `tcp`.
pub(crate) async fn connect(
    config: ConnectConfiguration,
    host: &str,
    tcp: TcpStream,
) -> Result<PskStream, PskFailure> {
    let mut attempt = config.connect(host, Nonblocking(tcp));
    loop {
        match attempt {
            Ok(stream) => return Ok(PskStream(stream)),
            Err(HandshakeError::WouldBlock(mid)) => {
                let code = mid.error().code();
                ready(&mid.get_ref().0, code)
                    .await
                    .map_err(|e| PskFailure::Other(e.to_string()))?;
                attempt = mid.handshake();
            }
            Err(HandshakeError::Failure(mid)) => return Err(classify(mid.error())),
            Err(HandshakeError::SetupFailure(stack)) => {
                return Err(PskFailure::Other(crate::tls_psk::one_line(
                    &stack.to_string(),
                )));
            }
        }
    }
}

/// OpenSSL names a received alert in its reason ("tlsv1 alert decrypt error", "sslv3 alert
/// bad record mac"); that is the reason a storm reports.
fn classify(error: &openssl::ssl::Error) -> PskFailure {
    if let Some(stack) = error.ssl_error() {
        for e in stack.errors() {
            if let Some(reason) = e.reason()
                && let Some((_, alert)) = reason.split_once("alert ")
            {
                return PskFailure::Alert(alert.to_string());
            }
        }
        return PskFailure::Other(crate::tls_psk::one_line(&stack.to_string()));
    }
    match error.io_error() {
        Some(io) if io.kind() == io::ErrorKind::UnexpectedEof => {
            PskFailure::Other("the broker closed the connection".into())
        }
        Some(io) => PskFailure::Other(io.to_string()),
        None if error.code() == ErrorCode::ZERO_RETURN || error.code() == ErrorCode::SYSCALL => {
            PskFailure::Other("the broker closed the connection".into())
        }
        None => PskFailure::Other(crate::tls_psk::one_line(&error.to_string())),
    }
}

impl PskStream {
    pub(crate) async fn write_all(&mut self, mut bytes: &[u8]) -> io::Result<()> {
        while !bytes.is_empty() {
            match self.0.ssl_write(bytes) {
                Ok(n) => bytes = &bytes[n..],
                Err(e) if wants_io(e.code()) => ready(&self.0.get_ref().0, e.code()).await?,
                Err(e) => return Err(into_io(e)),
            }
        }
        Ok(())
    }

    /// Some bytes; 0 when the broker closed the connection.
    pub(crate) async fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            match self.0.ssl_read(buf) {
                Ok(n) => return Ok(n),
                Err(e) if e.code() == ErrorCode::ZERO_RETURN => return Ok(0),
                Err(e) if wants_io(e.code()) => ready(&self.0.get_ref().0, e.code()).await?,
                Err(e) => return Err(into_io(e)),
            }
        }
    }
}

fn into_io(e: openssl::ssl::Error) -> io::Error {
    match e.into_io_error() {
        Ok(io) => io,
        Err(e) => io::Error::other(crate::tls_psk::one_line(&e.to_string())),
    }
}

impl PskStream {
    /// Sends close_notify if the socket takes it now; a storm client does not wait for the
    /// broker's.
    pub(crate) fn shutdown(&mut self) {
        let _ = self.0.shutdown();
    }
}

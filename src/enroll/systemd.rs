//! A systemd unit for `enroll serve`, hardened: the service needs the network, its PKI (and,
//! with `bootstrap: once`, the psk_files) and nothing else, so the unit grants nothing else.
//! `ProtectSystem=strict` makes the whole file system read-only but for `ReadWritePaths=`, which
//! is why the caller must name every directory the service writes.

use std::fmt::Write as _;
use std::path::PathBuf;

/// What the unit runs and as whom.
#[derive(Debug, Clone)]
pub struct SystemdUnit {
    /// The binary, absolute (systemd requires it).
    pub exec: PathBuf,
    /// The arguments after the binary (`enroll serve …`).
    pub args: Vec<String>,
    pub user: String,
    pub group: String,
    /// Relative paths in `args` are resolved from here.
    pub working_directory: PathBuf,
    /// Every directory the service writes, absolute.
    pub read_write: Vec<PathBuf>,
}

/// How a word is read back by systemd's unit parser.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Context {
    /// `ExecStart=`: `$` expands variables too.
    Command,
    /// Paths: only `%` specifiers.
    Path,
}

/// `word`, quoted for a unit file when it needs to be: `%` is a specifier, `$` a variable in
/// commands, and quotes, backslashes and white space separate or escape words.
fn quote(word: &str, context: Context) -> String {
    let plain = !word.is_empty()
        && word
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"/._:=@+,-".contains(&b));
    if plain {
        return word.to_string();
    }
    let mut out = String::from("\"");
    for c in word.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '%' => out.push_str("%%"),
            '$' if context == Context::Command => out.push_str("$$"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\x{:02x}", u32::from(c) & 0xff);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

impl SystemdUnit {
    /// The unit file's text.
    pub fn render(&self) -> String {
        let exec = std::iter::once(self.exec.to_string_lossy().into_owned())
            .chain(self.args.iter().cloned())
            .map(|w| quote(&w, Context::Command))
            .collect::<Vec<_>>()
            .join(" ");
        let read_write = self
            .read_write
            .iter()
            .map(|p| quote(&p.to_string_lossy(), Context::Path))
            .collect::<Vec<_>>()
            .join(" ");
        let mut text = String::new();
        let mut line = |l: &str| {
            text.push_str(l);
            text.push('\n');
        };
        line("# mqauth enroll serve: certificates for devices over MQTT.");
        line("# Made by `mqauth generate systemd-unit enroll`; install it as");
        line("# /etc/systemd/system/mqauth-enroll.service, then");
        line("#   systemctl daemon-reload && systemctl enable --now mqauth-enroll");
        line("# (`man mqauth-enroll-serve` has the flags).");
        line("[Unit]");
        line("Description=mqauth enrollment service (certificates over MQTT)");
        line("Wants=network-online.target");
        line("After=network-online.target");
        line("");
        line("[Service]");
        line("Type=exec");
        line(&format!("User={}", quote(&self.user, Context::Path)));
        line(&format!("Group={}", quote(&self.group, Context::Path)));
        line(&format!(
            "WorkingDirectory={}",
            quote(&self.working_directory.to_string_lossy(), Context::Path)
        ));
        line(&format!("ExecStart={exec}"));
        line("Restart=on-failure");
        line("RestartSec=5s");
        line("# A usage error (exit 2) does not go away by restarting.");
        line("RestartPreventExitStatus=2");
        line("# SIGTERM: the batch in hand is answered, then the service disconnects.");
        line("TimeoutStopSec=30s");
        line("UMask=0077");
        line("");
        line("# Read-only everywhere but the PKI (and the fleet directory, whose psk_files");
        line("# bootstrap: once rewrites).");
        line("ProtectSystem=strict");
        line(&format!("ReadWritePaths={read_write}"));
        line("ProtectHome=yes");
        line("PrivateTmp=yes");
        line("PrivateDevices=yes");
        line("NoNewPrivileges=yes");
        line("CapabilityBoundingSet=");
        line("AmbientCapabilities=");
        line("ProtectKernelTunables=yes");
        line("ProtectKernelModules=yes");
        line("ProtectKernelLogs=yes");
        line("ProtectControlGroups=yes");
        line("ProtectClock=yes");
        line("ProtectHostname=yes");
        line("ProtectProc=invisible");
        line("ProcSubset=pid");
        line("RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX");
        line("RestrictNamespaces=yes");
        line("RestrictRealtime=yes");
        line("RestrictSUIDSGID=yes");
        line("LockPersonality=yes");
        line("MemoryDenyWriteExecute=yes");
        line("RemoveIPC=yes");
        line("SystemCallArchitectures=native");
        line("SystemCallFilter=@system-service");
        line("SystemCallFilter=~@privileged");
        line("SystemCallErrorNumber=EPERM");
        line("");
        line("[Install]");
        line("WantedBy=multi-user.target");
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_quoted_as_systemd_reads_them() {
        assert_eq!(quote("--pki", Context::Command), "--pki");
        assert_eq!(quote("/var/lib/mqauth", Context::Path), "/var/lib/mqauth");
        assert_eq!(quote("a b", Context::Command), "\"a b\"");
        assert_eq!(quote("100%", Context::Path), "\"100%%\"");
        assert_eq!(quote("$HOME\"\\", Context::Command), "\"$$HOME\\\"\\\\\"");
        assert_eq!(quote("$x", Context::Path), "\"$x\"");
        assert_eq!(quote("", Context::Command), "\"\"");
    }

    #[test]
    fn the_unit_runs_what_it_was_given_and_writes_only_there() {
        let unit = SystemdUnit {
            exec: "/usr/bin/mqauth".into(),
            args: vec![
                "enroll".into(),
                "serve".into(),
                "-m".into(),
                "my fleet.yaml".into(),
            ],
            user: "mqauth".into(),
            group: "mqauth".into(),
            working_directory: "/var/lib/mqauth".into(),
            read_write: vec!["/var/lib/mqauth".into(), "/srv/a b".into()],
        }
        .render();
        let lines: Vec<&str> = unit.lines().collect();
        for want in [
            "ExecStart=/usr/bin/mqauth enroll serve -m \"my fleet.yaml\"",
            "ReadWritePaths=/var/lib/mqauth \"/srv/a b\"",
            "User=mqauth",
            "NoNewPrivileges=yes",
            "CapabilityBoundingSet=",
        ] {
            assert!(lines.contains(&want), "{want} in\n{unit}");
        }
    }
}

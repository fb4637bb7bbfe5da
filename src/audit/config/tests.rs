//! The reading rules, each on the smallest configuration that shows it (every case the
//! issue lists, measured with Mosquitto 2.0.11, is one of them).

use super::*;

fn parse(text: &str) -> Config {
    parse_text(text, Path::new("m.conf")).unwrap()
}

fn ports(c: &Config) -> Vec<String> {
    c.listeners.iter().map(Listener::label).collect()
}

#[test]
fn blocks_includes_and_security_scope() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir(d.join("conf.d")).unwrap();
    std::fs::write(d.join("conf.d/b.conf"), "listener 8884\npsk_hint x\n").unwrap();
    std::fs::write(
        d.join("conf.d/A.conf"),
        "listener 8883 127.0.0.1\ncertfile c\n",
    )
    .unwrap();
    std::fs::write(d.join("conf.d/skip.txt"), "listener 1\n").unwrap();
    std::fs::write(
        d.join("main.conf"),
        format!(
            "# comment\nacl_file /a\ninclude_dir {}\nlistener 1883\nallow_anonymous true\n",
            d.join("conf.d").display()
        ),
    )
    .unwrap();
    let c = read(&d.join("main.conf")).unwrap();
    assert_eq!(
        ports(&c),
        ["listener 8883 127.0.0.1", "listener 8884", "listener 1883"]
    );
    assert!(c.listeners[0].is_loopback() && c.listeners[0].has_certificate());
    // Without per_listener_settings, a block's allow_anonymous is everyone's.
    assert!(c.anonymous(&c.listeners[0]).is_some());
    assert_eq!(c.security(&c.listeners[1], "acl_file").unwrap().at.line, 2);
    assert_eq!(c.files.len(), 3);
    assert!(c.refusals.is_empty(), "{:?}", c.refusals);
}

#[test]
fn booleans_and_trailing_text_as_mosquitto_reads_them() {
    let c = parse("listener 1883\nallow_anonymous 1\n");
    assert!(c.anonymous(&c.listeners[0]).is_some());
    let c = parse("listener 1883\nallow_anonymous true   # comment\n");
    assert!(c.anonymous(&c.listeners[0]).is_some());
    let c = parse("listener 1883\nallow_anonymous True\n");
    assert_eq!(c.refusals.len(), 1);
    // A trailing comment is part of a text value.
    let c = parse("listener 1883\nacl_file /etc/acl # mine\n");
    assert_eq!(
        c.security(&c.listeners[0], "acl_file").unwrap().value,
        "/etc/acl # mine"
    );
}

#[test]
fn lines_mosquitto_refuses() {
    for text in [
        "listener 1883\nallow_anonymous\ttrue\n",
        "listener 1883\n  # indented comment\n",
        "listener 1883\nallow_anonymous true\t\n",
        "listener 1883\nacl_file /a\nacl_file /b\n",
        "acl_file /a\nper_listener_settings true\n",
        "listener 1883\npsk_hint h\ncertfile c\n",
        "listener 1883\nno_such_option 1\n",
        "plugin_opt_x y\n",
        "address 10.0.0.1\n",
    ] {
        let c = parse(text);
        assert!(!c.refusals.is_empty(), "{text:?}");
    }
    let c = parse("listener 1883\r\nallow_anonymous false\r\n\r\n");
    assert!(c.refusals.is_empty(), "{:?}", c.refusals);
}

#[test]
fn per_listener_settings_last_one_applies() {
    // The block's allow_anonymous lands in the listener's options; the final false makes the
    // broker use its own, where there is none: refused.
    let c = parse(
        "per_listener_settings true\nlistener 1883\nallow_anonymous true\nper_listener_settings false\n",
    );
    assert!(c.refusals.is_empty());
    assert!(!c.per_listener_settings);
    assert!(c.anonymous(&c.listeners[0]).is_none());
}

#[test]
fn default_listener_from_port_and_options() {
    let c = parse("listener 8883 127.0.0.1\ncertfile c\nport 19161\n");
    assert_eq!(
        ports(&c),
        ["listener 8883 127.0.0.1", "default listener 19161"]
    );
    let c = parse("max_connections 100\nlistener 8883 127.0.0.1\n");
    assert_eq!(
        ports(&c),
        ["listener 8883 127.0.0.1", "default listener 1883"]
    );
    // acl_file and allow_anonymous do not open it.
    let c = parse("acl_file /a\nallow_anonymous false\nlistener 8883 127.0.0.1\n");
    assert_eq!(ports(&c), ["listener 8883 127.0.0.1"]);
    // Per listener, its unset allow_anonymous lets anonymous clients in (measured).
    let c = parse("per_listener_settings true\nlistener 8883 127.0.0.1\nport 19302\n");
    assert!(c.anonymous(&c.listeners[1]).is_some());
    assert!(c.anonymous(&c.listeners[0]).is_none());
    // No listener at all: local-only, anonymous.
    let c = parse("log_type all\n");
    assert_eq!(ports(&c), ["local-only listener 1883 127.0.0.1"]);
    assert!(c.anonymous(&c.listeners[0]).is_some());
}

#[test]
fn include_dir_order_nesting_and_bounds() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let inc = d.join("inc");
    std::fs::create_dir(&inc).unwrap();
    std::fs::write(inc.join("b.conf"), "listener 2\n").unwrap();
    std::fs::write(inc.join("B.conf"), "listener 1\n").unwrap();
    std::fs::write(inc.join("a.conf"), "listener 3\n").unwrap();
    // Nested include_dir: accepted and ignored by Mosquitto.
    std::fs::create_dir(d.join("nested")).unwrap();
    std::fs::write(d.join("nested/x.conf"), "listener 9\n").unwrap();
    std::fs::write(
        inc.join("c.conf"),
        format!("include_dir {}\n", d.join("nested").display()),
    )
    .unwrap();
    let c = parse(&format!("include_dir {}\n", inc.display()));
    assert_eq!(
        ports(&c),
        ["listener 3", "listener 1", "listener 2"],
        "{:?}",
        c.refusals
    );
    // An included file starts at the default listener: its allow_anonymous is not the
    // including file's block's (per_listener_settings true).
    let solo = d.join("solo");
    std::fs::create_dir(&solo).unwrap();
    std::fs::write(solo.join("a.conf"), "allow_anonymous true\n").unwrap();
    let c = parse(&format!(
        "per_listener_settings true\nlistener 18001 127.0.0.1\ninclude_dir {}\n",
        solo.display()
    ));
    assert!(c.anonymous(&c.listeners[0]).is_none());
    // The file bound.
    let many = d.join("many");
    std::fs::create_dir(&many).unwrap();
    for i in 0..=MAX_FILES {
        std::fs::write(many.join(format!("{i:05}.conf")), "").unwrap();
    }
    let c = parse(&format!("include_dir {}\n", many.display()));
    assert_eq!(c.limits.len(), 1);
    assert_eq!(c.files.len(), MAX_FILES);
}

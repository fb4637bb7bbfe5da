
use builtin;
use str;

set edit:completion:arg-completer[mqauth] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'mqauth'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'mqauth'= {
            cand --color 'When to colour output; NO_COLOR in the environment means never'
            cand --lock-timeout 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file''s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h'
            cand -q 'Print no summary on stderr (errors and warnings are still printed)'
            cand --quiet 'Print no summary on stderr (errors and warnings are still printed)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand pki 'Certificate authority: root and intermediate CA, broker and client certificates, CSRs'
            cand psk 'TLS pre-shared keys: per-device batches, rotation, revocation, linting'
            cand inspect 'Show certificates (files, bundles, directories) with their expiry and status'
            cand verify 'Verify certificate chains like `openssl verify`: signatures, validity, CA flags, purpose, revocation'
            cand fleet 'Fleet manifests: plan and apply every credential and broker file from one YAML file'
            cand acl 'Render the fleet''s ACL (Mosquitto acl_file, dynamic-security JSON, EMQX acl.conf)'
            cand broker 'Render complete broker configurations (Mosquitto, EMQX) for the fleet'
            cand enroll 'Enrollment over MQTT: devices trade a CSR for a certificate, and renew in the field'
            cand audit 'Find the classic mistakes in an existing Mosquitto deployment (ACLs, PSKs, certificates, CRLs, listeners)'
            cand export 'Hand devices their credentials: directories, PEM, DER, PKCS#12, C headers, JSON, env, and factory streams, with the broker''s address and pin'
            cand storm 'Measure what a reconnect storm costs the broker, with the fleet''s own credentials (PSK vs certificates side by side with --compare)'
            cand completions 'Print the shell completion script for bash, zsh, fish, elvish or powershell'
            cand man 'Write one man page per command into DIR'
            cand generate 'Write the man pages or shell completions (how `man/` and `completions/` are made)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'mqauth;pki'= {
            cand --pki 'PKI directory'
            cand --dir 'PKI directory'
            cand --passphrase-file 'File whose first line is the CA keys'' passphrase: encrypts them at `pki init`, unlocks them when signing (a pipe such as <(pass show ca) works)'
            cand --color 'When to colour output; NO_COLOR in the environment means never'
            cand --lock-timeout 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file''s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h'
            cand -q 'Print no summary on stderr (errors and warnings are still printed)'
            cand --quiet 'Print no summary on stderr (errors and warnings are still printed)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand init 'Create a root CA and an intermediate issuing CA'
            cand broker 'Issue a broker (server) certificate with subject alternative names'
            cand client 'Issue client certificates, one key per device (CN = device ID)'
            cand sign 'Sign a certificate signing request whose key was made elsewhere (a secure element)'
            cand list 'List the certificates the PKI issued'
            cand revoke 'Revoke a certificate and publish a new CRL'
            cand crl 'Re-sign the certificate revocation list (crl.pem, or ca.crl.pem with --ca root)'
            cand renew 'Re-issue certificates that expire soon (or the named ones), keeping their keys'
            cand pin 'Print a broker''s public-key pin (SHA-256 of its SubjectPublicKeyInfo)'
            cand hsm 'CA keys in a PKCS#11 token: move a file key into one (docs/hsm.md)'
            cand migrate 'Move the records from pki.db into an empty PostgreSQL database'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'mqauth;pki;init'= {
            cand --name 'Common Name of the root CA (the intermediate gets "<NAME> Intermediate"); printable text, at most 64 characters with the suffix'
            cand --key 'Key type of the CAs, and the default for keys issued later'
            cand --lifetime 'Lifetime of the root CA (e.g. 3650d, 10y)'
            cand --days 'Lifetime of the root CA (e.g. 3650d, 10y)'
            cand --intermediate-lifetime 'Lifetime of the intermediate CA'
            cand --intermediate-days 'Lifetime of the intermediate CA'
            cand --hsm 'Keep the root CA''s key in a PKCS#11 token (RFC 7512 URI naming token and object, e.g. ''pkcs11:token=fleet;object=root''): the key is generated there, or used if the token already holds it; no CA key file is written (docs/hsm.md)'
            cand --intermediate-hsm 'The intermediate''s key in a token [default: the --hsm URI with object <object>-issuing]'
            cand --pkcs11-module 'The PKCS#11 module (shared library) that reaches the token; recorded for later commands (unused without --hsm)'
            cand --pin-file 'File whose first line is the token''s user PIN (or pin-source in the URI); later commands read MQAUTH_PKCS11_PIN_FILE (unused without --hsm)'
            cand --records 'Keep the records in this PostgreSQL database (postgres://USER@HOST[:PORT]/DB, no password in it) instead of pki.db; the directory names it in records.url'
            cand --records-password-file 'File holding the database''s password (kept as private/records.password); without it PGPASSFILE or ~/.pgpass is read'
            cand --pki 'PKI directory'
            cand --dir 'PKI directory'
            cand --passphrase-file 'File whose first line is the CA keys'' passphrase: encrypts them at `pki init`, unlocks them when signing (a pipe such as <(pass show ca) works)'
            cand --color 'When to colour output; NO_COLOR in the environment means never'
            cand --lock-timeout 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file''s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h'
            cand --no-intermediate 'Issue leaves directly from the root (no intermediate CA)'
            cand -q 'Print no summary on stderr (errors and warnings are still printed)'
            cand --quiet 'Print no summary on stderr (errors and warnings are still printed)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'mqauth;pki;broker'= {
            cand --dns 'DNS name clients use to reach the broker (repeatable)'
            cand --ip 'IP address clients use to reach the broker (repeatable)'
            cand --lifetime 'Lifetime of the certificate (e.g. 825d, 2y)'
            cand --days 'Lifetime of the certificate (e.g. 825d, 2y)'
            cand --key 'Key type for new keys [default: the PKI''s key type]'
            cand --group 'Make the broker''s key or PSK file readable by this group (mode 0640; the directories to it passable, not listable), so that a broker running as its own user (mosquitto) can read it; device and CA keys stay private'
            cand --stack 'The devices'' TLS stack: warn when the credentials will not work on it'
            cand --clock 'Whether the devices keep time; `none` checks that certificates outlive --service-life'
            cand --service-life 'How long a device without a clock must work on one certificate'
            cand --pki 'PKI directory'
            cand --dir 'PKI directory'
            cand --passphrase-file 'File whose first line is the CA keys'' passphrase: encrypts them at `pki init`, unlocks them when signing (a pipe such as <(pass show ca) works)'
            cand --color 'When to colour output; NO_COLOR in the environment means never'
            cand --lock-timeout 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file''s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h'
            cand --force 'Replace existing files and supersede a certificate already in force for the name'
            cand --strict 'Refuse, instead of warning, when the credentials will not work on --stack or --clock'
            cand -q 'Print no summary on stderr (errors and warnings are still printed)'
            cand --quiet 'Print no summary on stderr (errors and warnings are still printed)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'mqauth;pki;client'= {
            cand --count 'Make a numbered batch of N (1 to 1,000,000) named by --template'
            cand --template 'Name template for --count: {n:04} is the number zero-padded to 4 digits, {n:01} the number unpadded'
            cand --start 'First number of the batch'
            cand --lifetime 'Lifetime of the certificates (e.g. 90d, 12h, 2y)'
            cand --days 'Lifetime of the certificates (e.g. 90d, 12h, 2y)'
            cand --key 'Key type for new keys [default: the PKI''s key type]'
            cand --stack 'The devices'' TLS stack: warn when the credentials will not work on it'
            cand --clock 'Whether the devices keep time; `none` checks that certificates outlive --service-life'
            cand --service-life 'How long a device without a clock must work on one certificate'
            cand --pki 'PKI directory'
            cand --dir 'PKI directory'
            cand --passphrase-file 'File whose first line is the CA keys'' passphrase: encrypts them at `pki init`, unlocks them when signing (a pipe such as <(pass show ca) works)'
            cand --color 'When to colour output; NO_COLOR in the environment means never'
            cand --lock-timeout 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file''s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h'
            cand --force 'Replace existing files and supersede a certificate already in force for the name'
            cand --strict 'Refuse, instead of warning, when the credentials will not work on --stack or --clock'
            cand -q 'Print no summary on stderr (errors and warnings are still printed)'
            cand --quiet 'Print no summary on stderr (errors and warnings are still printed)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'mqauth;pki;sign'= {
            cand --csr 'The certificate signing request (PEM or DER)'
            cand --profile 'Certificate profile to issue'
            cand --name 'Name (CN and file name) [default: the CSR''s CN]'
            cand --lifetime 'Lifetime [default: 365d for clients, 825d for brokers]'
            cand --days 'Lifetime [default: 365d for clients, 825d for brokers]'
            cand --dns 'Extra DNS name for a broker certificate (repeatable)'
            cand --ip 'Extra IP address for a broker certificate (repeatable)'
            cand --pki 'PKI directory'
            cand --dir 'PKI directory'
            cand --passphrase-file 'File whose first line is the CA keys'' passphrase: encrypts them at `pki init`, unlocks them when signing (a pipe such as <(pass show ca) works)'
            cand --color 'When to colour output; NO_COLOR in the environment means never'
            cand --lock-timeout 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file''s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h'
            cand --force 'Replace an existing certificate file and supersede the one in force'
            cand -q 'Print no summary on stderr (errors and warnings are still printed)'
            cand --quiet 'Print no summary on stderr (errors and warnings are still printed)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'mqauth;pki;list'= {
            cand --expiring 'Only certificates in force that expire within this window (e.g. 30d)'
            cand --status 'Only certificates with this status'
            cand --pki 'PKI directory'
            cand --dir 'PKI directory'
            cand --passphrase-file 'File whose first line is the CA keys'' passphrase: encrypts them at `pki init`, unlocks them when signing (a pipe such as <(pass show ca) works)'
            cand --color 'When to colour output; NO_COLOR in the environment means never'
            cand --lock-timeout 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file''s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h'
            cand --json 'Print JSON instead of a table'
            cand -q 'Print no summary on stderr (errors and warnings are still printed)'
            cand --quiet 'Print no summary on stderr (errors and warnings are still printed)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'mqauth;pki;revoke'= {
            cand --serial 'Revoke exactly the certificate with this serial (hex, colons allowed)'
            cand --reason 'Why, as recorded in the CRL'
            cand --crl-lifetime 'Lifetime of the CRL published with the revocation (its nextUpdate)'
            cand --crl-days 'Lifetime of the CRL published with the revocation (its nextUpdate)'
            cand --pki 'PKI directory'
            cand --dir 'PKI directory'
            cand --passphrase-file 'File whose first line is the CA keys'' passphrase: encrypts them at `pki init`, unlocks them when signing (a pipe such as <(pass show ca) works)'
            cand --color 'When to colour output; NO_COLOR in the environment means never'
            cand --lock-timeout 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file''s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h'
            cand -q 'Print no summary on stderr (errors and warnings are still printed)'
            cand --quiet 'Print no summary on stderr (errors and warnings are still printed)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'mqauth;pki;crl'= {
            cand --lifetime 'Lifetime of the CRL (its nextUpdate); re-sign before it passes, or brokers that check the CRL refuse every client'
            cand --days 'Lifetime of the CRL (its nextUpdate); re-sign before it passes, or brokers that check the CRL refuse every client'
            cand --ca 'Which CA signs'
            cand --refresh-before 'Sign only when the CRL''s next update is closer than this (or it is missing): for a timer'
            cand --pki 'PKI directory'
            cand --dir 'PKI directory'
            cand --passphrase-file 'File whose first line is the CA keys'' passphrase: encrypts them at `pki init`, unlocks them when signing (a pipe such as <(pass show ca) works)'
            cand --color 'When to colour output; NO_COLOR in the environment means never'
            cand --lock-timeout 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file''s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h'
            cand -q 'Print no summary on stderr (errors and warnings are still printed)'
            cand --quiet 'Print no summary on stderr (errors and warnings are still printed)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'mqauth;pki;renew'= {
            cand --within 'Renew every certificate that expires within this window (the default: 30d)'
            cand --lifetime 'Lifetime of the new certificates [default: the same as the old ones]'
            cand --days 'Lifetime of the new certificates [default: the same as the old ones]'
            cand --pki 'PKI directory'
            cand --dir 'PKI directory'
            cand --passphrase-file 'File whose first line is the CA keys'' passphrase: encrypts them at `pki init`, unlocks them when signing (a pipe such as <(pass show ca) works)'
            cand --color 'When to colour output; NO_COLOR in the environment means never'
            cand --lock-timeout 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file''s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h'
            cand --rekey 'Generate new keys instead of certifying the existing ones again'
            cand --dry-run 'Show what would be renewed, and why the others would not be; change nothing'
            cand -q 'Print no summary on stderr (errors and warnings are still printed)'
            cand --quiet 'Print no summary on stderr (errors and warnings are still printed)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'mqauth;pki;pin'= {
            cand --format 'How to write the pin'
            cand --pki 'PKI directory'
            cand --dir 'PKI directory'
            cand --passphrase-file 'File whose first line is the CA keys'' passphrase: encrypts them at `pki init`, unlocks them when signing (a pipe such as <(pass show ca) works)'
            cand --color 'When to colour output; NO_COLOR in the environment means never'
            cand --lock-timeout 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file''s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h'
            cand -q 'Print no summary on stderr (errors and warnings are still printed)'
            cand --quiet 'Print no summary on stderr (errors and warnings are still printed)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'mqauth;pki;hsm'= {
            cand --pki 'PKI directory'
            cand --dir 'PKI directory'
            cand --passphrase-file 'File whose first line is the CA keys'' passphrase: encrypts them at `pki init`, unlocks them when signing (a pipe such as <(pass show ca) works)'
            cand --color 'When to colour output; NO_COLOR in the environment means never'
            cand --lock-timeout 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file''s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h'
            cand -q 'Print no summary on stderr (errors and warnings are still printed)'
            cand --quiet 'Print no summary on stderr (errors and warnings are still printed)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand import 'Move a CA key from its file into a token; the file is removed once a test signature through the token verifies'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'mqauth;pki;hsm;import'= {
            cand --ca 'Which CA''s key'
            cand --hsm 'Where to put the key: an RFC 7512 URI naming the token and a new object'
            cand --pkcs11-module 'The PKCS#11 module (shared library) that reaches the token; recorded for later commands'
            cand --pin-file 'File whose first line is the token''s user PIN (or pin-source in the URI)'
            cand --pki 'PKI directory'
            cand --dir 'PKI directory'
            cand --passphrase-file 'File whose first line is the CA keys'' passphrase: encrypts them at `pki init`, unlocks them when signing (a pipe such as <(pass show ca) works)'
            cand --color 'When to colour output; NO_COLOR in the environment means never'
            cand --lock-timeout 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file''s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h'
            cand -q 'Print no summary on stderr (errors and warnings are still printed)'
            cand --quiet 'Print no summary on stderr (errors and warnings are still printed)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'mqauth;pki;hsm;help'= {
            cand import 'Move a CA key from its file into a token; the file is removed once a test signature through the token verifies'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'mqauth;pki;hsm;help;import'= {
        }
        &'mqauth;pki;hsm;help;help'= {
        }
        &'mqauth;pki;migrate'= {
            cand --records 'The empty PostgreSQL database to move the records into (postgres://USER@HOST[:PORT]/DB, no password in it)'
            cand --records-password-file 'File holding the database''s password (kept as private/records.password); without it PGPASSFILE or ~/.pgpass is read'
            cand --pki 'PKI directory'
            cand --dir 'PKI directory'
            cand --passphrase-file 'File whose first line is the CA keys'' passphrase: encrypts them at `pki init`, unlocks them when signing (a pipe such as <(pass show ca) works)'
            cand --color 'When to colour output; NO_COLOR in the environment means never'
            cand --lock-timeout 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file''s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h'
            cand -q 'Print no summary on stderr (errors and warnings are still printed)'
            cand --quiet 'Print no summary on stderr (errors and warnings are still printed)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'mqauth;pki;help'= {
            cand init 'Create a root CA and an intermediate issuing CA'
            cand broker 'Issue a broker (server) certificate with subject alternative names'
            cand client 'Issue client certificates, one key per device (CN = device ID)'
            cand sign 'Sign a certificate signing request whose key was made elsewhere (a secure element)'
            cand list 'List the certificates the PKI issued'
            cand revoke 'Revoke a certificate and publish a new CRL'
            cand crl 'Re-sign the certificate revocation list (crl.pem, or ca.crl.pem with --ca root)'
            cand renew 'Re-issue certificates that expire soon (or the named ones), keeping their keys'
            cand pin 'Print a broker''s public-key pin (SHA-256 of its SubjectPublicKeyInfo)'
            cand hsm 'CA keys in a PKCS#11 token: move a file key into one (docs/hsm.md)'
            cand migrate 'Move the records from pki.db into an empty PostgreSQL database'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'mqauth;pki;help;init'= {
        }
        &'mqauth;pki;help;broker'= {
        }
        &'mqauth;pki;help;client'= {
        }
        &'mqauth;pki;help;sign'= {
        }
        &'mqauth;pki;help;list'= {
        }
        &'mqauth;pki;help;revoke'= {
        }
        &'mqauth;pki;help;crl'= {
        }
        &'mqauth;pki;help;renew'= {
        }
        &'mqauth;pki;help;pin'= {
        }
        &'mqauth;pki;help;hsm'= {
            cand import 'Move a CA key from its file into a token; the file is removed once a test signature through the token verifies'
        }
        &'mqauth;pki;help;hsm;import'= {
        }
        &'mqauth;pki;help;migrate'= {
        }
        &'mqauth;pki;help;help'= {
        }
        &'mqauth;psk'= {
            cand --color 'When to colour output; NO_COLOR in the environment means never'
            cand --lock-timeout 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file''s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h'
            cand -q 'Print no summary on stderr (errors and warnings are still printed)'
            cand --quiet 'Print no summary on stderr (errors and warnings are still printed)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand gen 'Generate identities with their own random keys (Mosquitto psk_file, CSV or JSON)'
            cand rotate 'Give identities fresh keys in an existing PSK file'
            cand revoke 'Remove identities from a PSK file'
            cand check 'Lint PSK files: malformed lines, bad hex, short or weak keys, duplicates, shared keys, loose permissions'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'mqauth;psk;gen'= {
            cand --count 'Make a numbered batch of N (1 to 1,000,000) named by --template'
            cand --template 'Name template for --count: {n:04} is the number zero-padded to 4 digits, {n:01} the number unpadded'
            cand --start 'First number of the batch'
            cand --bytes 'Key size in bytes (16 to 64)'
            cand --out 'Write to FILE (mode 0600, atomically) instead of standard output'
            cand --format 'Output format'
            cand --group 'Make the broker''s key or PSK file readable by this group (mode 0640; the directories to it passable, not listable), so that a broker running as its own user (mosquitto) can read it; device and CA keys stay private'
            cand --stack 'The devices'' TLS stack: warn when the credentials will not work on it'
            cand --clock 'Whether the devices keep time; `none` checks that certificates outlive --service-life'
            cand --service-life 'How long a device without a clock must work on one certificate'
            cand --color 'When to colour output; NO_COLOR in the environment means never'
            cand --lock-timeout 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file''s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h'
            cand --append 'Add to an existing Mosquitto-format FILE, refusing identities already in it'
            cand --force 'Replace FILE if it exists'
            cand --strict 'Refuse, instead of warning, when the credentials will not work on --stack or --clock'
            cand -q 'Print no summary on stderr (errors and warnings are still printed)'
            cand --quiet 'Print no summary on stderr (errors and warnings are still printed)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'mqauth;psk;rotate'= {
            cand --file 'The PSK file (Mosquitto format)'
            cand --bytes 'New key size in bytes [default: each key keeps its size]'
            cand --changed-out 'Also write the rotated entries to FILE (0600), to push to the devices; `-` for stdout'
            cand --color 'When to colour output; NO_COLOR in the environment means never'
            cand --lock-timeout 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file''s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h'
            cand --all 'Rotate every identity in the file'
            cand --force 'Replace the --changed-out file if it exists'
            cand -q 'Print no summary on stderr (errors and warnings are still printed)'
            cand --quiet 'Print no summary on stderr (errors and warnings are still printed)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'mqauth;psk;revoke'= {
            cand --file 'The PSK file (Mosquitto format)'
            cand --color 'When to colour output; NO_COLOR in the environment means never'
            cand --lock-timeout 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file''s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h'
            cand -q 'Print no summary on stderr (errors and warnings are still printed)'
            cand --quiet 'Print no summary on stderr (errors and warnings are still printed)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'mqauth;psk;check'= {
            cand --color 'When to colour output; NO_COLOR in the environment means never'
            cand --lock-timeout 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file''s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h'
            cand --json 'Print JSON instead of text'
            cand -q 'Print no summary on stderr (errors and warnings are still printed)'
            cand --quiet 'Print no summary on stderr (errors and warnings are still printed)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'mqauth;psk;help'= {
            cand gen 'Generate identities with their own random keys (Mosquitto psk_file, CSV or JSON)'
            cand rotate 'Give identities fresh keys in an existing PSK file'
            cand revoke 'Remove identities from a PSK file'
            cand check 'Lint PSK files: malformed lines, bad hex, short or weak keys, duplicates, shared keys, loose permissions'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'mqauth;psk;help;gen'= {
        }
        &'mqauth;psk;help;rotate'= {
        }
        &'mqauth;psk;help;revoke'= {
        }
        &'mqauth;psk;help;check'= {
        }
        &'mqauth;psk;help;help'= {
        }
        &'mqauth;inspect'= {
            cand --pki 'Audit a PKI directory: the certificates in force, checked against its index and keys'
            cand --warn-days 'Certificates expiring within this many days are reported as expiring (exit 3)'
            cand --crl 'Mark certificates listed in this CRL as revoked (repeatable)'
            cand --sort 'Order of the rows'
            cand --host 'A host name devices dial: every server certificate (EKU serverAuth, or none) must be valid for it, as a TLS client checks (a mismatch otherwise). Repeatable'
            cand --ip 'An IP address devices dial: every server certificate must carry it as a SAN. Repeatable'
            cand --color 'When to colour output; NO_COLOR in the environment means never'
            cand --lock-timeout 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file''s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h'
            cand --json 'Print JSON instead of a table'
            cand --long 'Show every certificate in detail instead of a table'
            cand -q 'Print no summary on stderr (errors and warnings are still printed)'
            cand --quiet 'Print no summary on stderr (errors and warnings are still printed)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'mqauth;verify'= {
            cand --ca 'Trusted root certificate(s)'
            cand --pki 'Take the trust anchor, intermediate and CRLs from this PKI directory (ca.crt, intermediate.crt, crl.pem, ca.crl.pem)'
            cand --untrusted 'Intermediate certificates that may complete the chain (repeatable)'
            cand --purpose 'Check the extended key usage for this purpose'
            cand --crl 'Check revocation with this CRL (repeatable); the certificate''s issuer must have one'
            cand --at 'Verify at this time instead of now: a date (2028-01-01, midnight UTC) or an RFC 3339 time (2028-01-01T12:00:00Z)'
            cand --max-depth 'Most intermediate CAs allowed between a certificate and its trust anchor, as `openssl verify -verify_depth`'
            cand --host 'A host name TLS clients dial: the certificate must be valid for it (SAN dNSName, a left-most wildcard at most; the CN only without SANs). Repeatable'
            cand --ip 'An IP address TLS clients dial: a SAN iPAddress must equal it. Repeatable'
            cand --color 'When to colour output; NO_COLOR in the environment means never'
            cand --lock-timeout 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file''s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h'
            cand --strict 'Also apply RFC 5280''s rules for conforming CAs, as `openssl verify -x509_strict`: CA basicConstraints critical, key identifiers present, no keyCertSign on a leaf, a critical SAN when the subject is empty, no explicit curve parameters, a valid serial'
            cand --json 'Print JSON instead of one line per certificate'
            cand -q 'Print no summary on stderr (errors and warnings are still printed)'
            cand --quiet 'Print no summary on stderr (errors and warnings are still printed)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'mqauth;fleet'= {
            cand -m 'Fleet manifest (YAML)'
            cand --manifest 'Fleet manifest (YAML)'
            cand --color 'When to colour output; NO_COLOR in the environment means never'
            cand --lock-timeout 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file''s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h'
            cand --example 'Use the example manifest built into mqauth (the one `fleet init` writes)'
            cand -q 'Print no summary on stderr (errors and warnings are still printed)'
            cand --quiet 'Print no summary on stderr (errors and warnings are still printed)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand init 'Write a commented example manifest to start from'
            cand plan 'Show what apply would create, change or remove; writes nothing'
            cand apply 'Create the PKI, certificates, PSKs, ACLs and broker configs the manifest asks for'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'mqauth;fleet;init'= {
            cand -m 'Fleet manifest (YAML)'
            cand --manifest 'Fleet manifest (YAML)'
            cand --color 'When to colour output; NO_COLOR in the environment means never'
            cand --lock-timeout 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file''s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h'
            cand --force 'Replace the manifest file if it exists'
            cand --example 'Use the example manifest built into mqauth (the one `fleet init` writes)'
            cand -q 'Print no summary on stderr (errors and warnings are still printed)'
            cand --quiet 'Print no summary on stderr (errors and warnings are still printed)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'mqauth;fleet;plan'= {
            cand --fleet-dir 'Fleet directory: where the PKI, PSKs and broker files live [default: the manifest''s directory]'
            cand --target 'Broker software of brokers whose manifest entry has no `kind:` (kept for older manifests; `kind:` in the manifest is the way to choose, and the only way to RabbitMQ)'
            cand --mosquitto-version 'Mosquitto release of Mosquitto brokers whose manifest entry has no `mosquitto:`'
            cand --templates 'Directory of templates that replace the built-in ones (mosquitto.conf.j2, emqx.conf.j2, rabbitmq.conf.j2, rabbitmq-advanced.config.j2)'
            cand --path-base 'Write paths in broker configs under this directory (where the fleet directory will be deployed) instead of absolute paths of this machine'
            cand -m 'Fleet manifest (YAML)'
            cand --manifest 'Fleet manifest (YAML)'
            cand --color 'When to colour output; NO_COLOR in the environment means never'
            cand --lock-timeout 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file''s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h'
            cand --prune 'Plan revoking and removing the credentials of devices no longer in the manifest'
            cand --json 'Print JSON instead of a table'
            cand --exit-code 'Exit with 5 when changes are pending (0 when there are none)'
            cand --detailed-exitcode 'Exit with 5 when changes are pending (0 when there are none)'
            cand --example 'Use the example manifest built into mqauth (the one `fleet init` writes)'
            cand -q 'Print no summary on stderr (errors and warnings are still printed)'
            cand --quiet 'Print no summary on stderr (errors and warnings are still printed)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'mqauth;fleet;apply'= {
            cand --fleet-dir 'Fleet directory: where the PKI, PSKs and broker files live [default: the manifest''s directory]'
            cand --group 'Make the broker''s key or PSK file readable by this group (mode 0640; the directories to it passable, not listable), so that a broker running as its own user (mosquitto) can read it; device and CA keys stay private'
            cand --passphrase-file 'File whose first line is the CA keys'' passphrase: encrypts them at `pki init`, unlocks them when signing (a pipe such as <(pass show ca) works)'
            cand --target 'Broker software of brokers whose manifest entry has no `kind:` (kept for older manifests; `kind:` in the manifest is the way to choose, and the only way to RabbitMQ)'
            cand --mosquitto-version 'Mosquitto release of Mosquitto brokers whose manifest entry has no `mosquitto:`'
            cand --templates 'Directory of templates that replace the built-in ones (mosquitto.conf.j2, emqx.conf.j2, rabbitmq.conf.j2, rabbitmq-advanced.config.j2)'
            cand --path-base 'Write paths in broker configs under this directory (where the fleet directory will be deployed) instead of absolute paths of this machine'
            cand -m 'Fleet manifest (YAML)'
            cand --manifest 'Fleet manifest (YAML)'
            cand --color 'When to colour output; NO_COLOR in the environment means never'
            cand --lock-timeout 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file''s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h'
            cand --prune 'Revoke the certificates and remove the PSKs of devices no longer in the manifest'
            cand --json 'Print the steps taken as JSON (as `plan --json` does) instead of a table'
            cand --example 'Use the example manifest built into mqauth (the one `fleet init` writes)'
            cand -q 'Print no summary on stderr (errors and warnings are still printed)'
            cand --quiet 'Print no summary on stderr (errors and warnings are still printed)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'mqauth;fleet;help'= {
            cand init 'Write a commented example manifest to start from'
            cand plan 'Show what apply would create, change or remove; writes nothing'
            cand apply 'Create the PKI, certificates, PSKs, ACLs and broker configs the manifest asks for'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'mqauth;fleet;help;init'= {
        }
        &'mqauth;fleet;help;plan'= {
        }
        &'mqauth;fleet;help;apply'= {
        }
        &'mqauth;fleet;help;help'= {
        }
        &'mqauth;acl'= {
            cand -m 'Fleet manifest (YAML)'
            cand --manifest 'Fleet manifest (YAML)'
            cand --color 'When to colour output; NO_COLOR in the environment means never'
            cand --lock-timeout 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file''s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h'
            cand --example 'Use the example manifest built into mqauth (the one `fleet init` writes)'
            cand -q 'Print no summary on stderr (errors and warnings are still printed)'
            cand --quiet 'Print no summary on stderr (errors and warnings are still printed)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand render 'Render the fleet''s authorization rules (least privilege, from the manifest)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'mqauth;acl;render'= {
            cand --format 'Output format'
            cand --out 'Write to FILE (atomically) instead of standard output'
            cand --fleet-dir 'Fleet directory, to deny identities that can still authenticate but left the manifest [default: the manifest''s directory]'
            cand -m 'Fleet manifest (YAML)'
            cand --manifest 'Fleet manifest (YAML)'
            cand --color 'When to colour output; NO_COLOR in the environment means never'
            cand --lock-timeout 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file''s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h'
            cand --force 'Replace FILE if it exists'
            cand --example 'Use the example manifest built into mqauth (the one `fleet init` writes)'
            cand -q 'Print no summary on stderr (errors and warnings are still printed)'
            cand --quiet 'Print no summary on stderr (errors and warnings are still printed)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'mqauth;acl;help'= {
            cand render 'Render the fleet''s authorization rules (least privilege, from the manifest)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'mqauth;acl;help;render'= {
        }
        &'mqauth;acl;help;help'= {
        }
        &'mqauth;broker'= {
            cand -m 'Fleet manifest (YAML) for `broker render` [default: fleet.yaml]'
            cand --manifest 'Fleet manifest (YAML) for `broker render` [default: fleet.yaml]'
            cand --color 'When to colour output; NO_COLOR in the environment means never'
            cand --lock-timeout 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file''s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h'
            cand --example '`broker render`: use the example manifest built into mqauth'
            cand -q 'Print no summary on stderr (errors and warnings are still printed)'
            cand --quiet 'Print no summary on stderr (errors and warnings are still printed)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand render 'Render complete broker configurations (needs the credentials `fleet apply` made)'
            cand snippet 'Mosquitto listener blocks for a plain PKI (no manifest): mTLS, and PSK with --psk-file'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'mqauth;broker;render'= {
            cand -m 'Fleet manifest (YAML)'
            cand --manifest 'Fleet manifest (YAML)'
            cand --broker 'Only this broker [default: all]'
            cand --fleet-dir 'Fleet directory: where the PKI, PSKs and broker files live [default: the manifest''s directory]'
            cand --target 'Broker software of brokers whose manifest entry has no `kind:` (kept for older manifests; `kind:` in the manifest is the way to choose, and the only way to RabbitMQ)'
            cand --mosquitto-version 'Mosquitto release of Mosquitto brokers whose manifest entry has no `mosquitto:`'
            cand --templates 'Directory of templates that replace the built-in ones (mosquitto.conf.j2, emqx.conf.j2, rabbitmq.conf.j2, rabbitmq-advanced.config.j2)'
            cand --path-base 'Write paths in broker configs under this directory (where the fleet directory will be deployed) instead of absolute paths of this machine'
            cand --color 'When to colour output; NO_COLOR in the environment means never'
            cand --lock-timeout 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file''s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h'
            cand --example 'Use the example manifest built into mqauth (the one `fleet init` writes)'
            cand -q 'Print no summary on stderr (errors and warnings are still printed)'
            cand --quiet 'Print no summary on stderr (errors and warnings are still printed)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'mqauth;broker;snippet'= {
            cand --pki 'PKI directory'
            cand --dir 'PKI directory'
            cand --broker 'The broker certificate''s name in the PKI'
            cand --mtls-port 'Port of the mutual-TLS listener'
            cand --psk-file 'A psk_file (identity:hexkey lines): adds a TLS-PSK listener'
            cand --psk-port 'Port of the PSK listener'
            cand --psk-hint 'PSK hint the PSK listener sends [default: the broker''s name]'
            cand --listen 'Bind address of both listeners [default: all interfaces]'
            cand --mosquitto-version 'Mosquitto release the listeners are for'
            cand --out 'Write to this file instead of standard output'
            cand --color 'When to colour output; NO_COLOR in the environment means never'
            cand --lock-timeout 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file''s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h'
            cand --force 'Replace --out when it exists'
            cand -q 'Print no summary on stderr (errors and warnings are still printed)'
            cand --quiet 'Print no summary on stderr (errors and warnings are still printed)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'mqauth;broker;help'= {
            cand render 'Render complete broker configurations (needs the credentials `fleet apply` made)'
            cand snippet 'Mosquitto listener blocks for a plain PKI (no manifest): mTLS, and PSK with --psk-file'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'mqauth;broker;help;render'= {
        }
        &'mqauth;broker;help;snippet'= {
        }
        &'mqauth;broker;help;help'= {
        }
        &'mqauth;enroll'= {
            cand --color 'When to colour output; NO_COLOR in the environment means never'
            cand --lock-timeout 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file''s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h'
            cand -q 'Print no summary on stderr (errors and warnings are still printed)'
            cand --quiet 'Print no summary on stderr (errors and warnings are still printed)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand serve 'Answer enrollment and renewal requests (CSRs over MQTT) with the fleet''s PKI'
            cand device 'The reference device: a new key, its CSR over MQTT (bootstrap PSK or current certificate), the certificate checked and written'
            cand allow 'Let devices whose certificate was revoked enroll again (with a new key)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'mqauth;enroll;serve'= {
            cand --pki 'PKI directory'
            cand --dir 'PKI directory'
            cand --passphrase-file 'File whose first line is the CA keys'' passphrase: encrypts them at `pki init`, unlocks them when signing (a pipe such as <(pass show ca) works)'
            cand -m 'Fleet manifest: the settings come from its enroll: section and the fleet directory'
            cand --manifest 'Fleet manifest: the settings come from its enroll: section and the fleet directory'
            cand --fleet-dir 'The fleet directory (default: the manifest''s directory)'
            cand --out 'The fleet directory (default: the manifest''s directory)'
            cand --broker 'The broker, HOST:PORT (its mutual-TLS listener); with -m, the enroll.broker''s first name and mtls_port'
            cand --cafile 'Trust anchor(s) for the broker''s certificate (PEM); with -m, the fleet''s root CA'
            cand --cert 'The service''s own client certificate (PEM; may hold its chain); with -m, the one `fleet apply` issued for enroll.service'
            cand --key 'The service''s private key (unencrypted PKCS#8 PEM)'
            cand --bootstrap-psk-file 'Devices whose identity is in this psk_file may enroll on PREFIX/ID/csr; without it, only renewals are answered'
            cand --bootstrap '`once`: remove a device''s identity from --bootstrap-psk-file after its first certificate, so that a factory PSK that leaks later enrolls nothing'
            cand --reload-command 'Shell command run after identities were removed, so that the broker re-reads its psk_file (e.g. `systemctl reload mosquitto`; Mosquitto reloads on SIGHUP)'
            cand --prefix 'Topic prefix of the protocol'
            cand --lifetime 'Lifetime of the certificates issued (e.g. 90d, 12h, 2y)'
            cand --days 'Lifetime of the certificates issued (e.g. 90d, 12h, 2y)'
            cand --renew-window 'The last part of a certificate''s lifetime, in percent, in which it may be renewed with the same key (a new key may renew at any time)'
            cand --key-type 'Key types certified (repeatable)'
            cand --rate 'Requests answered per device per minute; more are refused with rate-limited'
            cand --client-id 'MQTT client id of the service (its persistent session is kept under it)'
            cand --share-group 'Subscribe as a member of this shared subscription group ($share/NAME/…, MQTT 5): the broker gives each request to one of the services in the group. For several services on one PKI whose records are in PostgreSQL (docs/postgres.md); each needs its own --client-id'
            cand --log-format 'Log lines as text or JSON'
            cand --metrics 'Serve GET /metrics (Prometheus) and /healthz over HTTP on ADDR, e.g. 127.0.0.1:9464 (only there; bound before the service connects)'
            cand --color 'When to colour output; NO_COLOR in the environment means never'
            cand --lock-timeout 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file''s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h'
            cand --reenroll 'Let a device that holds a valid certificate enroll again on /csr with a new key (a device reset to factory state) instead of refusing it with already-enrolled'
            cand -q 'Print no summary on stderr (errors and warnings are still printed)'
            cand --quiet 'Print no summary on stderr (errors and warnings are still printed)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'mqauth;enroll;device'= {
            cand --broker 'The broker, HOST:PORT: its TLS-PSK listener with --psk-file, its mutual-TLS one with --cert/--key'
            cand --psk-file 'Bootstrap PSK: a Mosquitto psk_file holding the line ID:HEXKEY (first certificate)'
            cand --cert 'The device''s current certificate (PEM, may hold its chain), to renew over mutual TLS'
            cand --key 'The key of --cert (unencrypted PKCS#8 PEM)'
            cand --cafile 'The CA the certificate received must chain to; with --cert, also the broker''s trust anchor'
            cand --prefix 'Topic prefix of the protocol'
            cand --key-type 'Type of the new key'
            cand --out 'Where ID.crt and ID.key are written'
            cand --timeout 'How long the whole exchange may take, connecting included (e.g. 30s, 2m)'
            cand --color 'When to colour output; NO_COLOR in the environment means never'
            cand --lock-timeout 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file''s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h'
            cand --renew 'Renew (publish on PREFIX/ID/renew); implied by --cert/--key, which it requires'
            cand --force 'Overwrite ID.crt and ID.key'
            cand -q 'Print no summary on stderr (errors and warnings are still printed)'
            cand --quiet 'Print no summary on stderr (errors and warnings are still printed)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'mqauth;enroll;allow'= {
            cand --pki 'PKI directory'
            cand --dir 'PKI directory'
            cand --color 'When to colour output; NO_COLOR in the environment means never'
            cand --lock-timeout 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file''s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h'
            cand --despite-unknown-keys 'Allow a device even though the key of one of its revoked certificates is unknown (it was recorded before mqauth kept keys, and its file was replaced since), so that a CSR for that key cannot be refused'
            cand --json 'Print what was done for each device as JSON'
            cand -q 'Print no summary on stderr (errors and warnings are still printed)'
            cand --quiet 'Print no summary on stderr (errors and warnings are still printed)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'mqauth;enroll;help'= {
            cand serve 'Answer enrollment and renewal requests (CSRs over MQTT) with the fleet''s PKI'
            cand device 'The reference device: a new key, its CSR over MQTT (bootstrap PSK or current certificate), the certificate checked and written'
            cand allow 'Let devices whose certificate was revoked enroll again (with a new key)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'mqauth;enroll;help;serve'= {
        }
        &'mqauth;enroll;help;device'= {
        }
        &'mqauth;enroll;help;allow'= {
        }
        &'mqauth;enroll;help;help'= {
        }
        &'mqauth;audit'= {
            cand --config 'Mosquitto configuration file (repeatable)'
            cand --min-severity 'Report only findings this severe or more'
            cand --at 'Evaluate every validity check at this moment instead of now (a date, or RFC 3339)'
            cand --warn-days 'Warn about certificates and CRLs that expire within this many days'
            cand --host 'A name devices dial: every broker certificate must hold it (repeatable)'
            cand --color 'When to colour output; NO_COLOR in the environment means never'
            cand --lock-timeout 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file''s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h'
            cand --json 'Print the findings as a JSON array'
            cand --sarif 'Print SARIF 2.1.0 (for CI systems that show findings inline)'
            cand -q 'Print no summary on stderr (errors and warnings are still printed)'
            cand --quiet 'Print no summary on stderr (errors and warnings are still printed)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'mqauth;export'= {
            cand --format 'Output format [default: dir; jsonl with --all]'
            cand --out 'Where to write (see below); `-` writes a one-file format to standard output'
            cand -m 'Fleet manifest: the PKI, the PSK store and the brokers come from it'
            cand --manifest 'Fleet manifest: the PKI, the PSK store and the brokers come from it'
            cand --fleet-dir 'The fleet directory (default: the manifest''s directory)'
            cand --pki 'PKI directory'
            cand --dir 'PKI directory'
            cand --psk-file 'Without -m: the psk_file that holds PSK devices'' keys'
            cand --broker 'The broker devices connect to: a broker certificate of the PKI, or of the manifest [default: the only one, or the manifest''s first]'
            cand --host 'The name devices dial [default: the broker certificate''s first DNS name, else its first IP address]'
            cand --port 'The port devices dial [default: the manifest''s mtls_port or psk_port; 8883 or 8884]'
            cand --p12-passphrase-file 'File whose first line is the PKCS#12 bundle''s passphrase'
            cand --stack 'The devices'' TLS stack: warn when the credentials will not work on it'
            cand --clock 'Whether the devices keep time; `none` checks that certificates outlive --service-life'
            cand --service-life 'How long a device without a clock must work on one certificate'
            cand --color 'When to colour output; NO_COLOR in the environment means never'
            cand --lock-timeout 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file''s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h'
            cand --all 'Every device of the manifest (-m), as a stream: --format jsonl or csv'
            cand --include-keys 'With --all: put each device''s private key or PSK in the stream too'
            cand --strict 'Refuse, instead of warning, when the credentials will not work on --stack or --clock'
            cand --force 'Replace files that exist'
            cand -q 'Print no summary on stderr (errors and warnings are still printed)'
            cand --quiet 'Print no summary on stderr (errors and warnings are still printed)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'mqauth;storm'= {
            cand --broker 'The broker, HOST:PORT (loopback unless --allow-remote); with -m the port may be left out: the manifest''s ports are used'
            cand -m 'Devices of a fleet manifest (credentials as `fleet apply` wrote them)'
            cand --manifest 'Devices of a fleet manifest (credentials as `fleet apply` wrote them)'
            cand --fleet-dir 'The fleet directory (default: the manifest''s directory)'
            cand --group 'Only the devices of this group of the manifest'
            cand --pki 'Every client certificate of a PKI directory whose key it holds'
            cand --psk-file 'Every identity of a Mosquitto psk_file (IDENTITY:HEXKEY lines)'
            cand --clients 'How many devices connect (default: all of the source''s; 1000 per kind with --compare; at most 100000)'
            cand --rate 'New connections per second, e.g. 200 or 200/s'
            cand --duration 'The storm stops then, cutting off clients still connecting (at most 10m)'
            cand --timeout 'How long one client may take, connect to last acknowledgement'
            cand --publish 'Publish one QoS 1 message per client on this topic ({id} is the device)'
            cand --broker-pid 'The broker''s process id (a broker on this machine): report its CPU time'
            cand --compare 'One storm per credential kind, side by side (psk, p256, p384, ed25519, rsa2048, rsa3072, rsa4096), each with a temporary fleet and its own local Mosquitto'
            cand --color 'When to colour output; NO_COLOR in the environment means never'
            cand --lock-timeout 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file''s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h'
            cand --burst 'Start every client at once'
            cand --json 'Print the report as JSON (an array of reports with --compare)'
            cand --allow-remote 'Allow a broker outside loopback: your own broker only'
            cand -q 'Print no summary on stderr (errors and warnings are still printed)'
            cand --quiet 'Print no summary on stderr (errors and warnings are still printed)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'mqauth;completions'= {
            cand --color 'When to colour output; NO_COLOR in the environment means never'
            cand --lock-timeout 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file''s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h'
            cand -q 'Print no summary on stderr (errors and warnings are still printed)'
            cand --quiet 'Print no summary on stderr (errors and warnings are still printed)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'mqauth;man'= {
            cand --color 'When to colour output; NO_COLOR in the environment means never'
            cand --lock-timeout 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file''s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h'
            cand -q 'Print no summary on stderr (errors and warnings are still printed)'
            cand --quiet 'Print no summary on stderr (errors and warnings are still printed)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'mqauth;generate'= {
            cand --color 'When to colour output; NO_COLOR in the environment means never'
            cand --lock-timeout 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file''s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h'
            cand -q 'Print no summary on stderr (errors and warnings are still printed)'
            cand --quiet 'Print no summary on stderr (errors and warnings are still printed)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand man 'One man page per command, into DIR'
            cand completions 'The completion script for SHELL, into DIR'
            cand systemd-unit 'A hardened systemd unit for a service, on standard output'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'mqauth;generate;man'= {
            cand --color 'When to colour output; NO_COLOR in the environment means never'
            cand --lock-timeout 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file''s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h'
            cand -q 'Print no summary on stderr (errors and warnings are still printed)'
            cand --quiet 'Print no summary on stderr (errors and warnings are still printed)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'mqauth;generate;completions'= {
            cand --color 'When to colour output; NO_COLOR in the environment means never'
            cand --lock-timeout 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file''s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h'
            cand -q 'Print no summary on stderr (errors and warnings are still printed)'
            cand --quiet 'Print no summary on stderr (errors and warnings are still printed)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'mqauth;generate;systemd-unit'= {
            cand --color 'When to colour output; NO_COLOR in the environment means never'
            cand --lock-timeout 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file''s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h'
            cand -q 'Print no summary on stderr (errors and warnings are still printed)'
            cand --quiet 'Print no summary on stderr (errors and warnings are still printed)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand enroll '`enroll serve` with the arguments after `--`, run from the current directory'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'mqauth;generate;systemd-unit;enroll'= {
            cand --user 'The user the service runs as'
            cand --group 'Its group (default: the user''s name)'
            cand --color 'When to colour output; NO_COLOR in the environment means never'
            cand --lock-timeout 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file''s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h'
            cand -q 'Print no summary on stderr (errors and warnings are still printed)'
            cand --quiet 'Print no summary on stderr (errors and warnings are still printed)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'mqauth;generate;systemd-unit;help'= {
            cand enroll '`enroll serve` with the arguments after `--`, run from the current directory'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'mqauth;generate;systemd-unit;help;enroll'= {
        }
        &'mqauth;generate;systemd-unit;help;help'= {
        }
        &'mqauth;generate;help'= {
            cand man 'One man page per command, into DIR'
            cand completions 'The completion script for SHELL, into DIR'
            cand systemd-unit 'A hardened systemd unit for a service, on standard output'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'mqauth;generate;help;man'= {
        }
        &'mqauth;generate;help;completions'= {
        }
        &'mqauth;generate;help;systemd-unit'= {
            cand enroll '`enroll serve` with the arguments after `--`, run from the current directory'
        }
        &'mqauth;generate;help;systemd-unit;enroll'= {
        }
        &'mqauth;generate;help;help'= {
        }
        &'mqauth;help'= {
            cand pki 'Certificate authority: root and intermediate CA, broker and client certificates, CSRs'
            cand psk 'TLS pre-shared keys: per-device batches, rotation, revocation, linting'
            cand inspect 'Show certificates (files, bundles, directories) with their expiry and status'
            cand verify 'Verify certificate chains like `openssl verify`: signatures, validity, CA flags, purpose, revocation'
            cand fleet 'Fleet manifests: plan and apply every credential and broker file from one YAML file'
            cand acl 'Render the fleet''s ACL (Mosquitto acl_file, dynamic-security JSON, EMQX acl.conf)'
            cand broker 'Render complete broker configurations (Mosquitto, EMQX) for the fleet'
            cand enroll 'Enrollment over MQTT: devices trade a CSR for a certificate, and renew in the field'
            cand audit 'Find the classic mistakes in an existing Mosquitto deployment (ACLs, PSKs, certificates, CRLs, listeners)'
            cand export 'Hand devices their credentials: directories, PEM, DER, PKCS#12, C headers, JSON, env, and factory streams, with the broker''s address and pin'
            cand storm 'Measure what a reconnect storm costs the broker, with the fleet''s own credentials (PSK vs certificates side by side with --compare)'
            cand completions 'Print the shell completion script for bash, zsh, fish, elvish or powershell'
            cand man 'Write one man page per command into DIR'
            cand generate 'Write the man pages or shell completions (how `man/` and `completions/` are made)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'mqauth;help;pki'= {
            cand init 'Create a root CA and an intermediate issuing CA'
            cand broker 'Issue a broker (server) certificate with subject alternative names'
            cand client 'Issue client certificates, one key per device (CN = device ID)'
            cand sign 'Sign a certificate signing request whose key was made elsewhere (a secure element)'
            cand list 'List the certificates the PKI issued'
            cand revoke 'Revoke a certificate and publish a new CRL'
            cand crl 'Re-sign the certificate revocation list (crl.pem, or ca.crl.pem with --ca root)'
            cand renew 'Re-issue certificates that expire soon (or the named ones), keeping their keys'
            cand pin 'Print a broker''s public-key pin (SHA-256 of its SubjectPublicKeyInfo)'
            cand hsm 'CA keys in a PKCS#11 token: move a file key into one (docs/hsm.md)'
            cand migrate 'Move the records from pki.db into an empty PostgreSQL database'
        }
        &'mqauth;help;pki;init'= {
        }
        &'mqauth;help;pki;broker'= {
        }
        &'mqauth;help;pki;client'= {
        }
        &'mqauth;help;pki;sign'= {
        }
        &'mqauth;help;pki;list'= {
        }
        &'mqauth;help;pki;revoke'= {
        }
        &'mqauth;help;pki;crl'= {
        }
        &'mqauth;help;pki;renew'= {
        }
        &'mqauth;help;pki;pin'= {
        }
        &'mqauth;help;pki;hsm'= {
            cand import 'Move a CA key from its file into a token; the file is removed once a test signature through the token verifies'
        }
        &'mqauth;help;pki;hsm;import'= {
        }
        &'mqauth;help;pki;migrate'= {
        }
        &'mqauth;help;psk'= {
            cand gen 'Generate identities with their own random keys (Mosquitto psk_file, CSV or JSON)'
            cand rotate 'Give identities fresh keys in an existing PSK file'
            cand revoke 'Remove identities from a PSK file'
            cand check 'Lint PSK files: malformed lines, bad hex, short or weak keys, duplicates, shared keys, loose permissions'
        }
        &'mqauth;help;psk;gen'= {
        }
        &'mqauth;help;psk;rotate'= {
        }
        &'mqauth;help;psk;revoke'= {
        }
        &'mqauth;help;psk;check'= {
        }
        &'mqauth;help;inspect'= {
        }
        &'mqauth;help;verify'= {
        }
        &'mqauth;help;fleet'= {
            cand init 'Write a commented example manifest to start from'
            cand plan 'Show what apply would create, change or remove; writes nothing'
            cand apply 'Create the PKI, certificates, PSKs, ACLs and broker configs the manifest asks for'
        }
        &'mqauth;help;fleet;init'= {
        }
        &'mqauth;help;fleet;plan'= {
        }
        &'mqauth;help;fleet;apply'= {
        }
        &'mqauth;help;acl'= {
            cand render 'Render the fleet''s authorization rules (least privilege, from the manifest)'
        }
        &'mqauth;help;acl;render'= {
        }
        &'mqauth;help;broker'= {
            cand render 'Render complete broker configurations (needs the credentials `fleet apply` made)'
            cand snippet 'Mosquitto listener blocks for a plain PKI (no manifest): mTLS, and PSK with --psk-file'
        }
        &'mqauth;help;broker;render'= {
        }
        &'mqauth;help;broker;snippet'= {
        }
        &'mqauth;help;enroll'= {
            cand serve 'Answer enrollment and renewal requests (CSRs over MQTT) with the fleet''s PKI'
            cand device 'The reference device: a new key, its CSR over MQTT (bootstrap PSK or current certificate), the certificate checked and written'
            cand allow 'Let devices whose certificate was revoked enroll again (with a new key)'
        }
        &'mqauth;help;enroll;serve'= {
        }
        &'mqauth;help;enroll;device'= {
        }
        &'mqauth;help;enroll;allow'= {
        }
        &'mqauth;help;audit'= {
        }
        &'mqauth;help;export'= {
        }
        &'mqauth;help;storm'= {
        }
        &'mqauth;help;completions'= {
        }
        &'mqauth;help;man'= {
        }
        &'mqauth;help;generate'= {
            cand man 'One man page per command, into DIR'
            cand completions 'The completion script for SHELL, into DIR'
            cand systemd-unit 'A hardened systemd unit for a service, on standard output'
        }
        &'mqauth;help;generate;man'= {
        }
        &'mqauth;help;generate;completions'= {
        }
        &'mqauth;help;generate;systemd-unit'= {
            cand enroll '`enroll serve` with the arguments after `--`, run from the current directory'
        }
        &'mqauth;help;generate;systemd-unit;enroll'= {
        }
        &'mqauth;help;help'= {
        }
    ]
    $completions[$command]
}

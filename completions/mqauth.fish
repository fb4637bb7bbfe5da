# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_mqauth_global_optspecs
    string join \n q/quiet color= lock-timeout= h/help V/version
end

function __fish_mqauth_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_mqauth_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_mqauth_using_subcommand
    set -l cmd (__fish_mqauth_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c mqauth -n "__fish_mqauth_needs_command" -l color -d 'When to colour output; NO_COLOR in the environment means never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mqauth -n "__fish_mqauth_needs_command" -l lock-timeout -d 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file\'s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h' -r
complete -c mqauth -n "__fish_mqauth_needs_command" -s q -l quiet -d 'Print no summary on stderr (errors and warnings are still printed)'
complete -c mqauth -n "__fish_mqauth_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mqauth -n "__fish_mqauth_needs_command" -s V -l version -d 'Print version'
complete -c mqauth -n "__fish_mqauth_needs_command" -f -a "pki" -d 'Certificate authority: root and intermediate CA, broker and client certificates, CSRs'
complete -c mqauth -n "__fish_mqauth_needs_command" -f -a "psk" -d 'TLS pre-shared keys: per-device batches, rotation, revocation, linting'
complete -c mqauth -n "__fish_mqauth_needs_command" -f -a "inspect" -d 'Show certificates (files, bundles, directories) with their expiry and status'
complete -c mqauth -n "__fish_mqauth_needs_command" -f -a "verify" -d 'Verify certificate chains like `openssl verify`: signatures, validity, CA flags, purpose, revocation'
complete -c mqauth -n "__fish_mqauth_needs_command" -f -a "fleet" -d 'Fleet manifests: plan and apply every credential and broker file from one YAML file'
complete -c mqauth -n "__fish_mqauth_needs_command" -f -a "acl" -d 'Render the fleet\'s ACL (Mosquitto acl_file, dynamic-security JSON, EMQX acl.conf)'
complete -c mqauth -n "__fish_mqauth_needs_command" -f -a "broker" -d 'Render complete broker configurations (Mosquitto, EMQX) for the fleet'
complete -c mqauth -n "__fish_mqauth_needs_command" -f -a "enroll" -d 'Enrollment over MQTT: devices trade a CSR for a certificate, and renew in the field'
complete -c mqauth -n "__fish_mqauth_needs_command" -f -a "audit" -d 'Find the classic mistakes in an existing Mosquitto deployment (ACLs, PSKs, certificates, CRLs, listeners)'
complete -c mqauth -n "__fish_mqauth_needs_command" -f -a "export" -d 'Hand devices their credentials: directories, PEM, DER, PKCS#12, C headers, JSON, env, and factory streams, with the broker\'s address and pin'
complete -c mqauth -n "__fish_mqauth_needs_command" -f -a "storm" -d 'Measure what a reconnect storm costs the broker, with the fleet\'s own credentials (PSK vs certificates side by side with --compare)'
complete -c mqauth -n "__fish_mqauth_needs_command" -f -a "completions" -d 'Print the shell completion script for bash, zsh, fish, elvish or powershell'
complete -c mqauth -n "__fish_mqauth_needs_command" -f -a "man" -d 'Write one man page per command into DIR'
complete -c mqauth -n "__fish_mqauth_needs_command" -f -a "generate" -d 'Write the man pages or shell completions (how `man/` and `completions/` are made)'
complete -c mqauth -n "__fish_mqauth_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and not __fish_seen_subcommand_from init broker client sign list revoke crl renew pin hsm migrate help" -l pki -l dir -d 'PKI directory' -r -F
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and not __fish_seen_subcommand_from init broker client sign list revoke crl renew pin hsm migrate help" -l passphrase-file -d 'File whose first line is the CA keys\' passphrase: encrypts them at `pki init`, unlocks them when signing (a pipe such as <(pass show ca) works)' -r -F
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and not __fish_seen_subcommand_from init broker client sign list revoke crl renew pin hsm migrate help" -l color -d 'When to colour output; NO_COLOR in the environment means never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and not __fish_seen_subcommand_from init broker client sign list revoke crl renew pin hsm migrate help" -l lock-timeout -d 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file\'s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h' -r
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and not __fish_seen_subcommand_from init broker client sign list revoke crl renew pin hsm migrate help" -s q -l quiet -d 'Print no summary on stderr (errors and warnings are still printed)'
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and not __fish_seen_subcommand_from init broker client sign list revoke crl renew pin hsm migrate help" -s h -l help -d 'Print help'
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and not __fish_seen_subcommand_from init broker client sign list revoke crl renew pin hsm migrate help" -s V -l version -d 'Print version'
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and not __fish_seen_subcommand_from init broker client sign list revoke crl renew pin hsm migrate help" -f -a "init" -d 'Create a root CA and an intermediate issuing CA'
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and not __fish_seen_subcommand_from init broker client sign list revoke crl renew pin hsm migrate help" -f -a "broker" -d 'Issue a broker (server) certificate with subject alternative names'
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and not __fish_seen_subcommand_from init broker client sign list revoke crl renew pin hsm migrate help" -f -a "client" -d 'Issue client certificates, one key per device (CN = device ID)'
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and not __fish_seen_subcommand_from init broker client sign list revoke crl renew pin hsm migrate help" -f -a "sign" -d 'Sign a certificate signing request whose key was made elsewhere (a secure element)'
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and not __fish_seen_subcommand_from init broker client sign list revoke crl renew pin hsm migrate help" -f -a "list" -d 'List the certificates the PKI issued'
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and not __fish_seen_subcommand_from init broker client sign list revoke crl renew pin hsm migrate help" -f -a "revoke" -d 'Revoke a certificate and publish a new CRL'
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and not __fish_seen_subcommand_from init broker client sign list revoke crl renew pin hsm migrate help" -f -a "crl" -d 'Re-sign the certificate revocation list (crl.pem, or ca.crl.pem with --ca root)'
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and not __fish_seen_subcommand_from init broker client sign list revoke crl renew pin hsm migrate help" -f -a "renew" -d 'Re-issue certificates that expire soon (or the named ones), keeping their keys'
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and not __fish_seen_subcommand_from init broker client sign list revoke crl renew pin hsm migrate help" -f -a "pin" -d 'Print a broker\'s public-key pin (SHA-256 of its SubjectPublicKeyInfo)'
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and not __fish_seen_subcommand_from init broker client sign list revoke crl renew pin hsm migrate help" -f -a "hsm" -d 'CA keys in a PKCS#11 token: move a file key into one (docs/hsm.md)'
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and not __fish_seen_subcommand_from init broker client sign list revoke crl renew pin hsm migrate help" -f -a "migrate" -d 'Move the records from pki.db into an empty PostgreSQL database'
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and not __fish_seen_subcommand_from init broker client sign list revoke crl renew pin hsm migrate help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from init" -l name -d 'Common Name of the root CA (the intermediate gets "<NAME> Intermediate"); printable text, at most 64 characters with the suffix' -r
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from init" -l key -d 'Key type of the CAs, and the default for keys issued later' -r -f -a "p256\t'ECDSA P-256: small, fast, read by every TLS stack'
p384\t'ECDSA P-384'
ed25519\t'Ed25519 (mbedTLS 2.x cannot parse it)'
rsa2048\t'RSA 2048 bits'
rsa3072\t'RSA 3072 bits'
rsa4096\t'RSA 4096 bits'"
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from init" -l lifetime -l days -d 'Lifetime of the root CA (e.g. 3650d, 10y)' -r
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from init" -l intermediate-lifetime -l intermediate-days -d 'Lifetime of the intermediate CA' -r
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from init" -l hsm -d 'Keep the root CA\'s key in a PKCS#11 token (RFC 7512 URI naming token and object, e.g. \'pkcs11:token=fleet;object=root\'): the key is generated there, or used if the token already holds it; no CA key file is written (docs/hsm.md)' -r
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from init" -l intermediate-hsm -d 'The intermediate\'s key in a token [default: the --hsm URI with object <object>-issuing]' -r
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from init" -l pkcs11-module -d 'The PKCS#11 module (shared library) that reaches the token; recorded for later commands (unused without --hsm)' -r -F
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from init" -l pin-file -d 'File whose first line is the token\'s user PIN (or pin-source in the URI); later commands read MQAUTH_PKCS11_PIN_FILE (unused without --hsm)' -r -F
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from init" -l records -d 'Keep the records in this PostgreSQL database (postgres://USER@HOST[:PORT]/DB, no password in it) instead of pki.db; the directory names it in records.url' -r
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from init" -l records-password-file -d 'File holding the database\'s password (kept as private/records.password); without it PGPASSFILE or ~/.pgpass is read' -r -F
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from init" -l pki -l dir -d 'PKI directory' -r -F
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from init" -l passphrase-file -d 'File whose first line is the CA keys\' passphrase: encrypts them at `pki init`, unlocks them when signing (a pipe such as <(pass show ca) works)' -r -F
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from init" -l color -d 'When to colour output; NO_COLOR in the environment means never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from init" -l lock-timeout -d 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file\'s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h' -r
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from init" -l no-intermediate -d 'Issue leaves directly from the root (no intermediate CA)'
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from init" -s q -l quiet -d 'Print no summary on stderr (errors and warnings are still printed)'
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from init" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from init" -s V -l version -d 'Print version'
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from broker" -l dns -d 'DNS name clients use to reach the broker (repeatable)' -r
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from broker" -l ip -d 'IP address clients use to reach the broker (repeatable)' -r
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from broker" -l lifetime -l days -d 'Lifetime of the certificate (e.g. 825d, 2y)' -r
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from broker" -l key -d 'Key type for new keys [default: the PKI\'s key type]' -r -f -a "p256\t'ECDSA P-256: small, fast, read by every TLS stack'
p384\t'ECDSA P-384'
ed25519\t'Ed25519 (mbedTLS 2.x cannot parse it)'
rsa2048\t'RSA 2048 bits'
rsa3072\t'RSA 3072 bits'
rsa4096\t'RSA 4096 bits'"
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from broker" -l group -d 'Make the broker\'s key or PSK file readable by this group (mode 0640; the directories to it passable, not listable), so that a broker running as its own user (mosquitto) can read it; device and CA keys stay private' -r
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from broker" -l stack -d 'The devices\' TLS stack: warn when the credentials will not work on it' -r -f -a "mbedtls2\t'mbedTLS 2.x (2.28 LTS: ESP-IDF 4, many RTOS SDKs)'
mbedtls3\t'mbedTLS 3.x (ESP-IDF 5, Zephyr)'
wolfssl\t'wolfSSL 5.x'
openssl\t'OpenSSL 3 (Linux gateways, paho, mosquitto clients)'"
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from broker" -l clock -d 'Whether the devices keep time; `none` checks that certificates outlive --service-life' -r -f -a "synced\t'the device knows the time (RTC, NTP, GNSS, cellular)'
none\t'the device has no reliable time'"
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from broker" -l service-life -d 'How long a device without a clock must work on one certificate' -r
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from broker" -l pki -l dir -d 'PKI directory' -r -F
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from broker" -l passphrase-file -d 'File whose first line is the CA keys\' passphrase: encrypts them at `pki init`, unlocks them when signing (a pipe such as <(pass show ca) works)' -r -F
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from broker" -l color -d 'When to colour output; NO_COLOR in the environment means never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from broker" -l lock-timeout -d 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file\'s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h' -r
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from broker" -l force -d 'Replace existing files and supersede a certificate already in force for the name'
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from broker" -l strict -d 'Refuse, instead of warning, when the credentials will not work on --stack or --clock'
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from broker" -s q -l quiet -d 'Print no summary on stderr (errors and warnings are still printed)'
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from broker" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from broker" -s V -l version -d 'Print version'
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from client" -l count -d 'Make a numbered batch of N (1 to 1,000,000) named by --template' -r
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from client" -l template -d 'Name template for --count: {n:04} is the number zero-padded to 4 digits, {n:01} the number unpadded' -r
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from client" -l start -d 'First number of the batch' -r
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from client" -l lifetime -l days -d 'Lifetime of the certificates (e.g. 90d, 12h, 2y)' -r
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from client" -l key -d 'Key type for new keys [default: the PKI\'s key type]' -r -f -a "p256\t'ECDSA P-256: small, fast, read by every TLS stack'
p384\t'ECDSA P-384'
ed25519\t'Ed25519 (mbedTLS 2.x cannot parse it)'
rsa2048\t'RSA 2048 bits'
rsa3072\t'RSA 3072 bits'
rsa4096\t'RSA 4096 bits'"
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from client" -l stack -d 'The devices\' TLS stack: warn when the credentials will not work on it' -r -f -a "mbedtls2\t'mbedTLS 2.x (2.28 LTS: ESP-IDF 4, many RTOS SDKs)'
mbedtls3\t'mbedTLS 3.x (ESP-IDF 5, Zephyr)'
wolfssl\t'wolfSSL 5.x'
openssl\t'OpenSSL 3 (Linux gateways, paho, mosquitto clients)'"
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from client" -l clock -d 'Whether the devices keep time; `none` checks that certificates outlive --service-life' -r -f -a "synced\t'the device knows the time (RTC, NTP, GNSS, cellular)'
none\t'the device has no reliable time'"
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from client" -l service-life -d 'How long a device without a clock must work on one certificate' -r
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from client" -l pki -l dir -d 'PKI directory' -r -F
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from client" -l passphrase-file -d 'File whose first line is the CA keys\' passphrase: encrypts them at `pki init`, unlocks them when signing (a pipe such as <(pass show ca) works)' -r -F
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from client" -l color -d 'When to colour output; NO_COLOR in the environment means never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from client" -l lock-timeout -d 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file\'s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h' -r
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from client" -l force -d 'Replace existing files and supersede a certificate already in force for the name'
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from client" -l strict -d 'Refuse, instead of warning, when the credentials will not work on --stack or --clock'
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from client" -s q -l quiet -d 'Print no summary on stderr (errors and warnings are still printed)'
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from client" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from client" -s V -l version -d 'Print version'
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from sign" -l csr -d 'The certificate signing request (PEM or DER)' -r -F
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from sign" -l profile -d 'Certificate profile to issue' -r -f -a "client\t'a device certificate: EKU clientAuth, CN = device ID, no SANs'
broker\t'a server certificate: EKU serverAuth, SANs as requested'"
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from sign" -l name -d 'Name (CN and file name) [default: the CSR\'s CN]' -r
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from sign" -l lifetime -l days -d 'Lifetime [default: 365d for clients, 825d for brokers]' -r
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from sign" -l dns -d 'Extra DNS name for a broker certificate (repeatable)' -r
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from sign" -l ip -d 'Extra IP address for a broker certificate (repeatable)' -r
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from sign" -l pki -l dir -d 'PKI directory' -r -F
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from sign" -l passphrase-file -d 'File whose first line is the CA keys\' passphrase: encrypts them at `pki init`, unlocks them when signing (a pipe such as <(pass show ca) works)' -r -F
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from sign" -l color -d 'When to colour output; NO_COLOR in the environment means never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from sign" -l lock-timeout -d 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file\'s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h' -r
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from sign" -l force -d 'Replace an existing certificate file and supersede the one in force'
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from sign" -s q -l quiet -d 'Print no summary on stderr (errors and warnings are still printed)'
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from sign" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from sign" -s V -l version -d 'Print version'
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from list" -l expiring -d 'Only certificates in force that expire within this window (e.g. 30d)' -r
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from list" -l status -d 'Only certificates with this status' -r -f -a "valid\t'in force and not expired'
expired\t'past its not-after date'
revoked\t'revoked (listed in the CRL)'
superseded\t'replaced by a renewal'"
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from list" -l pki -l dir -d 'PKI directory' -r -F
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from list" -l passphrase-file -d 'File whose first line is the CA keys\' passphrase: encrypts them at `pki init`, unlocks them when signing (a pipe such as <(pass show ca) works)' -r -F
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from list" -l color -d 'When to colour output; NO_COLOR in the environment means never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from list" -l lock-timeout -d 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file\'s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h' -r
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from list" -l json -d 'Print JSON instead of a table'
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print no summary on stderr (errors and warnings are still printed)'
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from revoke" -l serial -d 'Revoke exactly the certificate with this serial (hex, colons allowed)' -r
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from revoke" -l reason -d 'Why, as recorded in the CRL' -r -f -a "unspecified\t'no reason given (left out of the CRL, as RFC 5280 asks)'
keyCompromise\t'the private key was lost or stolen'
affiliationChanged\t'the device changed hands'
superseded\t'replaced by a newer certificate'
cessationOfOperation\t'the device was retired'"
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from revoke" -l crl-lifetime -l crl-days -d 'Lifetime of the CRL published with the revocation (its nextUpdate)' -r
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from revoke" -l pki -l dir -d 'PKI directory' -r -F
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from revoke" -l passphrase-file -d 'File whose first line is the CA keys\' passphrase: encrypts them at `pki init`, unlocks them when signing (a pipe such as <(pass show ca) works)' -r -F
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from revoke" -l color -d 'When to colour output; NO_COLOR in the environment means never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from revoke" -l lock-timeout -d 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file\'s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h' -r
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from revoke" -s q -l quiet -d 'Print no summary on stderr (errors and warnings are still printed)'
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from revoke" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from revoke" -s V -l version -d 'Print version'
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from crl" -l lifetime -l days -d 'Lifetime of the CRL (its nextUpdate); re-sign before it passes, or brokers that check the CRL refuse every client' -r
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from crl" -l ca -d 'Which CA signs' -r -f -a "issuing\t'the CA that issues leaves: crl.pem'
root\t'the root, covering the intermediate: ca.crl.pem'"
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from crl" -l refresh-before -d 'Sign only when the CRL\'s next update is closer than this (or it is missing): for a timer' -r
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from crl" -l pki -l dir -d 'PKI directory' -r -F
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from crl" -l passphrase-file -d 'File whose first line is the CA keys\' passphrase: encrypts them at `pki init`, unlocks them when signing (a pipe such as <(pass show ca) works)' -r -F
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from crl" -l color -d 'When to colour output; NO_COLOR in the environment means never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from crl" -l lock-timeout -d 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file\'s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h' -r
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from crl" -s q -l quiet -d 'Print no summary on stderr (errors and warnings are still printed)'
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from crl" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from crl" -s V -l version -d 'Print version'
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from renew" -l within -d 'Renew every certificate that expires within this window (the default: 30d)' -r
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from renew" -l lifetime -l days -d 'Lifetime of the new certificates [default: the same as the old ones]' -r
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from renew" -l pki -l dir -d 'PKI directory' -r -F
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from renew" -l passphrase-file -d 'File whose first line is the CA keys\' passphrase: encrypts them at `pki init`, unlocks them when signing (a pipe such as <(pass show ca) works)' -r -F
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from renew" -l color -d 'When to colour output; NO_COLOR in the environment means never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from renew" -l lock-timeout -d 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file\'s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h' -r
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from renew" -l rekey -d 'Generate new keys instead of certifying the existing ones again'
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from renew" -l dry-run -d 'Show what would be renewed, and why the others would not be; change nothing'
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from renew" -s q -l quiet -d 'Print no summary on stderr (errors and warnings are still printed)'
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from renew" -s h -l help -d 'Print help'
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from renew" -s V -l version -d 'Print version'
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from pin" -l format -d 'How to write the pin' -r -f -a "curl\t'sha256//BASE64, as curl\'s --pinnedpubkey takes it'
base64\t'the SHA-256 in base64 (HPKP)'
hex\t'the SHA-256 in lowercase hex'"
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from pin" -l pki -l dir -d 'PKI directory' -r -F
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from pin" -l passphrase-file -d 'File whose first line is the CA keys\' passphrase: encrypts them at `pki init`, unlocks them when signing (a pipe such as <(pass show ca) works)' -r -F
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from pin" -l color -d 'When to colour output; NO_COLOR in the environment means never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from pin" -l lock-timeout -d 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file\'s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h' -r
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from pin" -s q -l quiet -d 'Print no summary on stderr (errors and warnings are still printed)'
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from pin" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from pin" -s V -l version -d 'Print version'
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from hsm" -l pki -l dir -d 'PKI directory' -r -F
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from hsm" -l passphrase-file -d 'File whose first line is the CA keys\' passphrase: encrypts them at `pki init`, unlocks them when signing (a pipe such as <(pass show ca) works)' -r -F
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from hsm" -l color -d 'When to colour output; NO_COLOR in the environment means never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from hsm" -l lock-timeout -d 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file\'s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h' -r
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from hsm" -s q -l quiet -d 'Print no summary on stderr (errors and warnings are still printed)'
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from hsm" -s h -l help -d 'Print help'
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from hsm" -s V -l version -d 'Print version'
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from hsm" -f -a "import" -d 'Move a CA key from its file into a token; the file is removed once a test signature through the token verifies'
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from hsm" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from migrate" -l records -d 'The empty PostgreSQL database to move the records into (postgres://USER@HOST[:PORT]/DB, no password in it)' -r
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from migrate" -l records-password-file -d 'File holding the database\'s password (kept as private/records.password); without it PGPASSFILE or ~/.pgpass is read' -r -F
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from migrate" -l pki -l dir -d 'PKI directory' -r -F
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from migrate" -l passphrase-file -d 'File whose first line is the CA keys\' passphrase: encrypts them at `pki init`, unlocks them when signing (a pipe such as <(pass show ca) works)' -r -F
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from migrate" -l color -d 'When to colour output; NO_COLOR in the environment means never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from migrate" -l lock-timeout -d 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file\'s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h' -r
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from migrate" -s q -l quiet -d 'Print no summary on stderr (errors and warnings are still printed)'
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from migrate" -s h -l help -d 'Print help'
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from migrate" -s V -l version -d 'Print version'
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from help" -f -a "init" -d 'Create a root CA and an intermediate issuing CA'
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from help" -f -a "broker" -d 'Issue a broker (server) certificate with subject alternative names'
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from help" -f -a "client" -d 'Issue client certificates, one key per device (CN = device ID)'
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from help" -f -a "sign" -d 'Sign a certificate signing request whose key was made elsewhere (a secure element)'
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from help" -f -a "list" -d 'List the certificates the PKI issued'
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from help" -f -a "revoke" -d 'Revoke a certificate and publish a new CRL'
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from help" -f -a "crl" -d 'Re-sign the certificate revocation list (crl.pem, or ca.crl.pem with --ca root)'
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from help" -f -a "renew" -d 'Re-issue certificates that expire soon (or the named ones), keeping their keys'
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from help" -f -a "pin" -d 'Print a broker\'s public-key pin (SHA-256 of its SubjectPublicKeyInfo)'
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from help" -f -a "hsm" -d 'CA keys in a PKCS#11 token: move a file key into one (docs/hsm.md)'
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from help" -f -a "migrate" -d 'Move the records from pki.db into an empty PostgreSQL database'
complete -c mqauth -n "__fish_mqauth_using_subcommand pki; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mqauth -n "__fish_mqauth_using_subcommand psk; and not __fish_seen_subcommand_from gen rotate revoke check help" -l color -d 'When to colour output; NO_COLOR in the environment means never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mqauth -n "__fish_mqauth_using_subcommand psk; and not __fish_seen_subcommand_from gen rotate revoke check help" -l lock-timeout -d 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file\'s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h' -r
complete -c mqauth -n "__fish_mqauth_using_subcommand psk; and not __fish_seen_subcommand_from gen rotate revoke check help" -s q -l quiet -d 'Print no summary on stderr (errors and warnings are still printed)'
complete -c mqauth -n "__fish_mqauth_using_subcommand psk; and not __fish_seen_subcommand_from gen rotate revoke check help" -s h -l help -d 'Print help'
complete -c mqauth -n "__fish_mqauth_using_subcommand psk; and not __fish_seen_subcommand_from gen rotate revoke check help" -s V -l version -d 'Print version'
complete -c mqauth -n "__fish_mqauth_using_subcommand psk; and not __fish_seen_subcommand_from gen rotate revoke check help" -f -a "gen" -d 'Generate identities with their own random keys (Mosquitto psk_file, CSV or JSON)'
complete -c mqauth -n "__fish_mqauth_using_subcommand psk; and not __fish_seen_subcommand_from gen rotate revoke check help" -f -a "rotate" -d 'Give identities fresh keys in an existing PSK file'
complete -c mqauth -n "__fish_mqauth_using_subcommand psk; and not __fish_seen_subcommand_from gen rotate revoke check help" -f -a "revoke" -d 'Remove identities from a PSK file'
complete -c mqauth -n "__fish_mqauth_using_subcommand psk; and not __fish_seen_subcommand_from gen rotate revoke check help" -f -a "check" -d 'Lint PSK files: malformed lines, bad hex, short or weak keys, duplicates, shared keys, loose permissions'
complete -c mqauth -n "__fish_mqauth_using_subcommand psk; and not __fish_seen_subcommand_from gen rotate revoke check help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mqauth -n "__fish_mqauth_using_subcommand psk; and __fish_seen_subcommand_from gen" -l count -d 'Make a numbered batch of N (1 to 1,000,000) named by --template' -r
complete -c mqauth -n "__fish_mqauth_using_subcommand psk; and __fish_seen_subcommand_from gen" -l template -d 'Name template for --count: {n:04} is the number zero-padded to 4 digits, {n:01} the number unpadded' -r
complete -c mqauth -n "__fish_mqauth_using_subcommand psk; and __fish_seen_subcommand_from gen" -l start -d 'First number of the batch' -r
complete -c mqauth -n "__fish_mqauth_using_subcommand psk; and __fish_seen_subcommand_from gen" -l bytes -d 'Key size in bytes (16 to 64)' -r
complete -c mqauth -n "__fish_mqauth_using_subcommand psk; and __fish_seen_subcommand_from gen" -l out -d 'Write to FILE (mode 0600, atomically) instead of standard output' -r -F
complete -c mqauth -n "__fish_mqauth_using_subcommand psk; and __fish_seen_subcommand_from gen" -l format -d 'Output format' -r -f -a "mosquitto\t'identity:hexkey per line (Mosquitto\'s psk_file)'
csv\t'identity,key with a header line'
json\t'an array of {"identity", "key"} objects'"
complete -c mqauth -n "__fish_mqauth_using_subcommand psk; and __fish_seen_subcommand_from gen" -l group -d 'Make the broker\'s key or PSK file readable by this group (mode 0640; the directories to it passable, not listable), so that a broker running as its own user (mosquitto) can read it; device and CA keys stay private' -r
complete -c mqauth -n "__fish_mqauth_using_subcommand psk; and __fish_seen_subcommand_from gen" -l stack -d 'The devices\' TLS stack: warn when the credentials will not work on it' -r -f -a "mbedtls2\t'mbedTLS 2.x (2.28 LTS: ESP-IDF 4, many RTOS SDKs)'
mbedtls3\t'mbedTLS 3.x (ESP-IDF 5, Zephyr)'
wolfssl\t'wolfSSL 5.x'
openssl\t'OpenSSL 3 (Linux gateways, paho, mosquitto clients)'"
complete -c mqauth -n "__fish_mqauth_using_subcommand psk; and __fish_seen_subcommand_from gen" -l clock -d 'Whether the devices keep time; `none` checks that certificates outlive --service-life' -r -f -a "synced\t'the device knows the time (RTC, NTP, GNSS, cellular)'
none\t'the device has no reliable time'"
complete -c mqauth -n "__fish_mqauth_using_subcommand psk; and __fish_seen_subcommand_from gen" -l service-life -d 'How long a device without a clock must work on one certificate' -r
complete -c mqauth -n "__fish_mqauth_using_subcommand psk; and __fish_seen_subcommand_from gen" -l color -d 'When to colour output; NO_COLOR in the environment means never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mqauth -n "__fish_mqauth_using_subcommand psk; and __fish_seen_subcommand_from gen" -l lock-timeout -d 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file\'s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h' -r
complete -c mqauth -n "__fish_mqauth_using_subcommand psk; and __fish_seen_subcommand_from gen" -l append -d 'Add to an existing Mosquitto-format FILE, refusing identities already in it'
complete -c mqauth -n "__fish_mqauth_using_subcommand psk; and __fish_seen_subcommand_from gen" -l force -d 'Replace FILE if it exists'
complete -c mqauth -n "__fish_mqauth_using_subcommand psk; and __fish_seen_subcommand_from gen" -l strict -d 'Refuse, instead of warning, when the credentials will not work on --stack or --clock'
complete -c mqauth -n "__fish_mqauth_using_subcommand psk; and __fish_seen_subcommand_from gen" -s q -l quiet -d 'Print no summary on stderr (errors and warnings are still printed)'
complete -c mqauth -n "__fish_mqauth_using_subcommand psk; and __fish_seen_subcommand_from gen" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mqauth -n "__fish_mqauth_using_subcommand psk; and __fish_seen_subcommand_from gen" -s V -l version -d 'Print version'
complete -c mqauth -n "__fish_mqauth_using_subcommand psk; and __fish_seen_subcommand_from rotate" -l file -d 'The PSK file (Mosquitto format)' -r -F
complete -c mqauth -n "__fish_mqauth_using_subcommand psk; and __fish_seen_subcommand_from rotate" -l bytes -d 'New key size in bytes [default: each key keeps its size]' -r
complete -c mqauth -n "__fish_mqauth_using_subcommand psk; and __fish_seen_subcommand_from rotate" -l changed-out -d 'Also write the rotated entries to FILE (0600), to push to the devices; `-` for stdout' -r -F
complete -c mqauth -n "__fish_mqauth_using_subcommand psk; and __fish_seen_subcommand_from rotate" -l color -d 'When to colour output; NO_COLOR in the environment means never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mqauth -n "__fish_mqauth_using_subcommand psk; and __fish_seen_subcommand_from rotate" -l lock-timeout -d 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file\'s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h' -r
complete -c mqauth -n "__fish_mqauth_using_subcommand psk; and __fish_seen_subcommand_from rotate" -l all -d 'Rotate every identity in the file'
complete -c mqauth -n "__fish_mqauth_using_subcommand psk; and __fish_seen_subcommand_from rotate" -l force -d 'Replace the --changed-out file if it exists'
complete -c mqauth -n "__fish_mqauth_using_subcommand psk; and __fish_seen_subcommand_from rotate" -s q -l quiet -d 'Print no summary on stderr (errors and warnings are still printed)'
complete -c mqauth -n "__fish_mqauth_using_subcommand psk; and __fish_seen_subcommand_from rotate" -s h -l help -d 'Print help'
complete -c mqauth -n "__fish_mqauth_using_subcommand psk; and __fish_seen_subcommand_from rotate" -s V -l version -d 'Print version'
complete -c mqauth -n "__fish_mqauth_using_subcommand psk; and __fish_seen_subcommand_from revoke" -l file -d 'The PSK file (Mosquitto format)' -r -F
complete -c mqauth -n "__fish_mqauth_using_subcommand psk; and __fish_seen_subcommand_from revoke" -l color -d 'When to colour output; NO_COLOR in the environment means never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mqauth -n "__fish_mqauth_using_subcommand psk; and __fish_seen_subcommand_from revoke" -l lock-timeout -d 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file\'s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h' -r
complete -c mqauth -n "__fish_mqauth_using_subcommand psk; and __fish_seen_subcommand_from revoke" -s q -l quiet -d 'Print no summary on stderr (errors and warnings are still printed)'
complete -c mqauth -n "__fish_mqauth_using_subcommand psk; and __fish_seen_subcommand_from revoke" -s h -l help -d 'Print help'
complete -c mqauth -n "__fish_mqauth_using_subcommand psk; and __fish_seen_subcommand_from revoke" -s V -l version -d 'Print version'
complete -c mqauth -n "__fish_mqauth_using_subcommand psk; and __fish_seen_subcommand_from check" -l color -d 'When to colour output; NO_COLOR in the environment means never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mqauth -n "__fish_mqauth_using_subcommand psk; and __fish_seen_subcommand_from check" -l lock-timeout -d 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file\'s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h' -r
complete -c mqauth -n "__fish_mqauth_using_subcommand psk; and __fish_seen_subcommand_from check" -l json -d 'Print JSON instead of text'
complete -c mqauth -n "__fish_mqauth_using_subcommand psk; and __fish_seen_subcommand_from check" -s q -l quiet -d 'Print no summary on stderr (errors and warnings are still printed)'
complete -c mqauth -n "__fish_mqauth_using_subcommand psk; and __fish_seen_subcommand_from check" -s h -l help -d 'Print help'
complete -c mqauth -n "__fish_mqauth_using_subcommand psk; and __fish_seen_subcommand_from check" -s V -l version -d 'Print version'
complete -c mqauth -n "__fish_mqauth_using_subcommand psk; and __fish_seen_subcommand_from help" -f -a "gen" -d 'Generate identities with their own random keys (Mosquitto psk_file, CSV or JSON)'
complete -c mqauth -n "__fish_mqauth_using_subcommand psk; and __fish_seen_subcommand_from help" -f -a "rotate" -d 'Give identities fresh keys in an existing PSK file'
complete -c mqauth -n "__fish_mqauth_using_subcommand psk; and __fish_seen_subcommand_from help" -f -a "revoke" -d 'Remove identities from a PSK file'
complete -c mqauth -n "__fish_mqauth_using_subcommand psk; and __fish_seen_subcommand_from help" -f -a "check" -d 'Lint PSK files: malformed lines, bad hex, short or weak keys, duplicates, shared keys, loose permissions'
complete -c mqauth -n "__fish_mqauth_using_subcommand psk; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mqauth -n "__fish_mqauth_using_subcommand inspect" -l pki -d 'Audit a PKI directory: the certificates in force, checked against its index and keys' -r -F
complete -c mqauth -n "__fish_mqauth_using_subcommand inspect" -l warn-days -d 'Certificates expiring within this many days are reported as expiring (exit 3)' -r
complete -c mqauth -n "__fish_mqauth_using_subcommand inspect" -l crl -d 'Mark certificates listed in this CRL as revoked (repeatable)' -r -F
complete -c mqauth -n "__fish_mqauth_using_subcommand inspect" -l sort -d 'Order of the rows' -r -f -a "file\t'Input order: paths as given, directories in name order'
expiry\t'Soonest expiry first'
subject\t'By subject'"
complete -c mqauth -n "__fish_mqauth_using_subcommand inspect" -l host -d 'A host name devices dial: every server certificate (EKU serverAuth, or none) must be valid for it, as a TLS client checks (a mismatch otherwise). Repeatable' -r
complete -c mqauth -n "__fish_mqauth_using_subcommand inspect" -l ip -d 'An IP address devices dial: every server certificate must carry it as a SAN. Repeatable' -r
complete -c mqauth -n "__fish_mqauth_using_subcommand inspect" -l color -d 'When to colour output; NO_COLOR in the environment means never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mqauth -n "__fish_mqauth_using_subcommand inspect" -l lock-timeout -d 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file\'s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h' -r
complete -c mqauth -n "__fish_mqauth_using_subcommand inspect" -l json -d 'Print JSON instead of a table'
complete -c mqauth -n "__fish_mqauth_using_subcommand inspect" -l long -d 'Show every certificate in detail instead of a table'
complete -c mqauth -n "__fish_mqauth_using_subcommand inspect" -s q -l quiet -d 'Print no summary on stderr (errors and warnings are still printed)'
complete -c mqauth -n "__fish_mqauth_using_subcommand inspect" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mqauth -n "__fish_mqauth_using_subcommand inspect" -s V -l version -d 'Print version'
complete -c mqauth -n "__fish_mqauth_using_subcommand verify" -l ca -d 'Trusted root certificate(s)' -r -F
complete -c mqauth -n "__fish_mqauth_using_subcommand verify" -l pki -d 'Take the trust anchor, intermediate and CRLs from this PKI directory (ca.crt, intermediate.crt, crl.pem, ca.crl.pem)' -r -F
complete -c mqauth -n "__fish_mqauth_using_subcommand verify" -l untrusted -d 'Intermediate certificates that may complete the chain (repeatable)' -r -F
complete -c mqauth -n "__fish_mqauth_using_subcommand verify" -l purpose -d 'Check the extended key usage for this purpose' -r -f -a "client\t'TLS client (like openssl\'s sslclient)'
server\t'TLS server (like openssl\'s sslserver)'"
complete -c mqauth -n "__fish_mqauth_using_subcommand verify" -l crl -d 'Check revocation with this CRL (repeatable); the certificate\'s issuer must have one' -r -F
complete -c mqauth -n "__fish_mqauth_using_subcommand verify" -l at -d 'Verify at this time instead of now: a date (2028-01-01, midnight UTC) or an RFC 3339 time (2028-01-01T12:00:00Z)' -r
complete -c mqauth -n "__fish_mqauth_using_subcommand verify" -l max-depth -d 'Most intermediate CAs allowed between a certificate and its trust anchor, as `openssl verify -verify_depth`' -r
complete -c mqauth -n "__fish_mqauth_using_subcommand verify" -l host -d 'A host name TLS clients dial: the certificate must be valid for it (SAN dNSName, a left-most wildcard at most; the CN only without SANs). Repeatable' -r
complete -c mqauth -n "__fish_mqauth_using_subcommand verify" -l ip -d 'An IP address TLS clients dial: a SAN iPAddress must equal it. Repeatable' -r
complete -c mqauth -n "__fish_mqauth_using_subcommand verify" -l color -d 'When to colour output; NO_COLOR in the environment means never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mqauth -n "__fish_mqauth_using_subcommand verify" -l lock-timeout -d 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file\'s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h' -r
complete -c mqauth -n "__fish_mqauth_using_subcommand verify" -l strict -d 'Also apply RFC 5280\'s rules for conforming CAs, as `openssl verify -x509_strict`: CA basicConstraints critical, key identifiers present, no keyCertSign on a leaf, a critical SAN when the subject is empty, no explicit curve parameters, a valid serial'
complete -c mqauth -n "__fish_mqauth_using_subcommand verify" -l json -d 'Print JSON instead of one line per certificate'
complete -c mqauth -n "__fish_mqauth_using_subcommand verify" -s q -l quiet -d 'Print no summary on stderr (errors and warnings are still printed)'
complete -c mqauth -n "__fish_mqauth_using_subcommand verify" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mqauth -n "__fish_mqauth_using_subcommand verify" -s V -l version -d 'Print version'
complete -c mqauth -n "__fish_mqauth_using_subcommand fleet; and not __fish_seen_subcommand_from init plan apply help" -s m -l manifest -d 'Fleet manifest (YAML)' -r -F
complete -c mqauth -n "__fish_mqauth_using_subcommand fleet; and not __fish_seen_subcommand_from init plan apply help" -l color -d 'When to colour output; NO_COLOR in the environment means never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mqauth -n "__fish_mqauth_using_subcommand fleet; and not __fish_seen_subcommand_from init plan apply help" -l lock-timeout -d 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file\'s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h' -r
complete -c mqauth -n "__fish_mqauth_using_subcommand fleet; and not __fish_seen_subcommand_from init plan apply help" -l example -d 'Use the example manifest built into mqauth (the one `fleet init` writes)'
complete -c mqauth -n "__fish_mqauth_using_subcommand fleet; and not __fish_seen_subcommand_from init plan apply help" -s q -l quiet -d 'Print no summary on stderr (errors and warnings are still printed)'
complete -c mqauth -n "__fish_mqauth_using_subcommand fleet; and not __fish_seen_subcommand_from init plan apply help" -s h -l help -d 'Print help'
complete -c mqauth -n "__fish_mqauth_using_subcommand fleet; and not __fish_seen_subcommand_from init plan apply help" -s V -l version -d 'Print version'
complete -c mqauth -n "__fish_mqauth_using_subcommand fleet; and not __fish_seen_subcommand_from init plan apply help" -f -a "init" -d 'Write a commented example manifest to start from'
complete -c mqauth -n "__fish_mqauth_using_subcommand fleet; and not __fish_seen_subcommand_from init plan apply help" -f -a "plan" -d 'Show what apply would create, change or remove; writes nothing'
complete -c mqauth -n "__fish_mqauth_using_subcommand fleet; and not __fish_seen_subcommand_from init plan apply help" -f -a "apply" -d 'Create the PKI, certificates, PSKs, ACLs and broker configs the manifest asks for'
complete -c mqauth -n "__fish_mqauth_using_subcommand fleet; and not __fish_seen_subcommand_from init plan apply help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mqauth -n "__fish_mqauth_using_subcommand fleet; and __fish_seen_subcommand_from init" -s m -l manifest -d 'Fleet manifest (YAML)' -r -F
complete -c mqauth -n "__fish_mqauth_using_subcommand fleet; and __fish_seen_subcommand_from init" -l color -d 'When to colour output; NO_COLOR in the environment means never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mqauth -n "__fish_mqauth_using_subcommand fleet; and __fish_seen_subcommand_from init" -l lock-timeout -d 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file\'s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h' -r
complete -c mqauth -n "__fish_mqauth_using_subcommand fleet; and __fish_seen_subcommand_from init" -l force -d 'Replace the manifest file if it exists'
complete -c mqauth -n "__fish_mqauth_using_subcommand fleet; and __fish_seen_subcommand_from init" -l example -d 'Use the example manifest built into mqauth (the one `fleet init` writes)'
complete -c mqauth -n "__fish_mqauth_using_subcommand fleet; and __fish_seen_subcommand_from init" -s q -l quiet -d 'Print no summary on stderr (errors and warnings are still printed)'
complete -c mqauth -n "__fish_mqauth_using_subcommand fleet; and __fish_seen_subcommand_from init" -s h -l help -d 'Print help'
complete -c mqauth -n "__fish_mqauth_using_subcommand fleet; and __fish_seen_subcommand_from init" -s V -l version -d 'Print version'
complete -c mqauth -n "__fish_mqauth_using_subcommand fleet; and __fish_seen_subcommand_from plan" -l fleet-dir -d 'Fleet directory: where the PKI, PSKs and broker files live [default: the manifest\'s directory]' -r -F
complete -c mqauth -n "__fish_mqauth_using_subcommand fleet; and __fish_seen_subcommand_from plan" -l target -d 'Broker software of brokers whose manifest entry has no `kind:` (kept for older manifests; `kind:` in the manifest is the way to choose, and the only way to RabbitMQ)' -r -f -a "mosquitto\t'Mosquitto 2.0: mosquitto.conf, acl_file per listener, psk_file'
emqx\t'EMQX 5: emqx.conf, file authorization acl.conf, PSK init file'"
complete -c mqauth -n "__fish_mqauth_using_subcommand fleet; and __fish_seen_subcommand_from plan" -l mosquitto-version -d 'Mosquitto release of Mosquitto brokers whose manifest entry has no `mosquitto:`' -r -f -a "2.0\t'per_listener_settings true, acl_file per listener'
2.1\t'an acl-file plugin per listener (plugin_load/plugin_use), listener_allow_anonymous'"
complete -c mqauth -n "__fish_mqauth_using_subcommand fleet; and __fish_seen_subcommand_from plan" -l templates -d 'Directory of templates that replace the built-in ones (mosquitto.conf.j2, emqx.conf.j2, rabbitmq.conf.j2, rabbitmq-advanced.config.j2)' -r -F
complete -c mqauth -n "__fish_mqauth_using_subcommand fleet; and __fish_seen_subcommand_from plan" -l path-base -d 'Write paths in broker configs under this directory (where the fleet directory will be deployed) instead of absolute paths of this machine' -r -F
complete -c mqauth -n "__fish_mqauth_using_subcommand fleet; and __fish_seen_subcommand_from plan" -s m -l manifest -d 'Fleet manifest (YAML)' -r -F
complete -c mqauth -n "__fish_mqauth_using_subcommand fleet; and __fish_seen_subcommand_from plan" -l color -d 'When to colour output; NO_COLOR in the environment means never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mqauth -n "__fish_mqauth_using_subcommand fleet; and __fish_seen_subcommand_from plan" -l lock-timeout -d 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file\'s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h' -r
complete -c mqauth -n "__fish_mqauth_using_subcommand fleet; and __fish_seen_subcommand_from plan" -l prune -d 'Plan revoking and removing the credentials of devices no longer in the manifest'
complete -c mqauth -n "__fish_mqauth_using_subcommand fleet; and __fish_seen_subcommand_from plan" -l json -d 'Print JSON instead of a table'
complete -c mqauth -n "__fish_mqauth_using_subcommand fleet; and __fish_seen_subcommand_from plan" -l exit-code -l detailed-exitcode -d 'Exit with 5 when changes are pending (0 when there are none)'
complete -c mqauth -n "__fish_mqauth_using_subcommand fleet; and __fish_seen_subcommand_from plan" -l example -d 'Use the example manifest built into mqauth (the one `fleet init` writes)'
complete -c mqauth -n "__fish_mqauth_using_subcommand fleet; and __fish_seen_subcommand_from plan" -s q -l quiet -d 'Print no summary on stderr (errors and warnings are still printed)'
complete -c mqauth -n "__fish_mqauth_using_subcommand fleet; and __fish_seen_subcommand_from plan" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mqauth -n "__fish_mqauth_using_subcommand fleet; and __fish_seen_subcommand_from plan" -s V -l version -d 'Print version'
complete -c mqauth -n "__fish_mqauth_using_subcommand fleet; and __fish_seen_subcommand_from apply" -l fleet-dir -d 'Fleet directory: where the PKI, PSKs and broker files live [default: the manifest\'s directory]' -r -F
complete -c mqauth -n "__fish_mqauth_using_subcommand fleet; and __fish_seen_subcommand_from apply" -l group -d 'Make the broker\'s key or PSK file readable by this group (mode 0640; the directories to it passable, not listable), so that a broker running as its own user (mosquitto) can read it; device and CA keys stay private' -r
complete -c mqauth -n "__fish_mqauth_using_subcommand fleet; and __fish_seen_subcommand_from apply" -l passphrase-file -d 'File whose first line is the CA keys\' passphrase: encrypts them at `pki init`, unlocks them when signing (a pipe such as <(pass show ca) works)' -r -F
complete -c mqauth -n "__fish_mqauth_using_subcommand fleet; and __fish_seen_subcommand_from apply" -l target -d 'Broker software of brokers whose manifest entry has no `kind:` (kept for older manifests; `kind:` in the manifest is the way to choose, and the only way to RabbitMQ)' -r -f -a "mosquitto\t'Mosquitto 2.0: mosquitto.conf, acl_file per listener, psk_file'
emqx\t'EMQX 5: emqx.conf, file authorization acl.conf, PSK init file'"
complete -c mqauth -n "__fish_mqauth_using_subcommand fleet; and __fish_seen_subcommand_from apply" -l mosquitto-version -d 'Mosquitto release of Mosquitto brokers whose manifest entry has no `mosquitto:`' -r -f -a "2.0\t'per_listener_settings true, acl_file per listener'
2.1\t'an acl-file plugin per listener (plugin_load/plugin_use), listener_allow_anonymous'"
complete -c mqauth -n "__fish_mqauth_using_subcommand fleet; and __fish_seen_subcommand_from apply" -l templates -d 'Directory of templates that replace the built-in ones (mosquitto.conf.j2, emqx.conf.j2, rabbitmq.conf.j2, rabbitmq-advanced.config.j2)' -r -F
complete -c mqauth -n "__fish_mqauth_using_subcommand fleet; and __fish_seen_subcommand_from apply" -l path-base -d 'Write paths in broker configs under this directory (where the fleet directory will be deployed) instead of absolute paths of this machine' -r -F
complete -c mqauth -n "__fish_mqauth_using_subcommand fleet; and __fish_seen_subcommand_from apply" -s m -l manifest -d 'Fleet manifest (YAML)' -r -F
complete -c mqauth -n "__fish_mqauth_using_subcommand fleet; and __fish_seen_subcommand_from apply" -l color -d 'When to colour output; NO_COLOR in the environment means never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mqauth -n "__fish_mqauth_using_subcommand fleet; and __fish_seen_subcommand_from apply" -l lock-timeout -d 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file\'s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h' -r
complete -c mqauth -n "__fish_mqauth_using_subcommand fleet; and __fish_seen_subcommand_from apply" -l prune -d 'Revoke the certificates and remove the PSKs of devices no longer in the manifest'
complete -c mqauth -n "__fish_mqauth_using_subcommand fleet; and __fish_seen_subcommand_from apply" -l json -d 'Print the steps taken as JSON (as `plan --json` does) instead of a table'
complete -c mqauth -n "__fish_mqauth_using_subcommand fleet; and __fish_seen_subcommand_from apply" -l example -d 'Use the example manifest built into mqauth (the one `fleet init` writes)'
complete -c mqauth -n "__fish_mqauth_using_subcommand fleet; and __fish_seen_subcommand_from apply" -s q -l quiet -d 'Print no summary on stderr (errors and warnings are still printed)'
complete -c mqauth -n "__fish_mqauth_using_subcommand fleet; and __fish_seen_subcommand_from apply" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mqauth -n "__fish_mqauth_using_subcommand fleet; and __fish_seen_subcommand_from apply" -s V -l version -d 'Print version'
complete -c mqauth -n "__fish_mqauth_using_subcommand fleet; and __fish_seen_subcommand_from help" -f -a "init" -d 'Write a commented example manifest to start from'
complete -c mqauth -n "__fish_mqauth_using_subcommand fleet; and __fish_seen_subcommand_from help" -f -a "plan" -d 'Show what apply would create, change or remove; writes nothing'
complete -c mqauth -n "__fish_mqauth_using_subcommand fleet; and __fish_seen_subcommand_from help" -f -a "apply" -d 'Create the PKI, certificates, PSKs, ACLs and broker configs the manifest asks for'
complete -c mqauth -n "__fish_mqauth_using_subcommand fleet; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mqauth -n "__fish_mqauth_using_subcommand acl; and not __fish_seen_subcommand_from render help" -s m -l manifest -d 'Fleet manifest (YAML)' -r -F
complete -c mqauth -n "__fish_mqauth_using_subcommand acl; and not __fish_seen_subcommand_from render help" -l color -d 'When to colour output; NO_COLOR in the environment means never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mqauth -n "__fish_mqauth_using_subcommand acl; and not __fish_seen_subcommand_from render help" -l lock-timeout -d 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file\'s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h' -r
complete -c mqauth -n "__fish_mqauth_using_subcommand acl; and not __fish_seen_subcommand_from render help" -l example -d 'Use the example manifest built into mqauth (the one `fleet init` writes)'
complete -c mqauth -n "__fish_mqauth_using_subcommand acl; and not __fish_seen_subcommand_from render help" -s q -l quiet -d 'Print no summary on stderr (errors and warnings are still printed)'
complete -c mqauth -n "__fish_mqauth_using_subcommand acl; and not __fish_seen_subcommand_from render help" -s h -l help -d 'Print help'
complete -c mqauth -n "__fish_mqauth_using_subcommand acl; and not __fish_seen_subcommand_from render help" -s V -l version -d 'Print version'
complete -c mqauth -n "__fish_mqauth_using_subcommand acl; and not __fish_seen_subcommand_from render help" -f -a "render" -d 'Render the fleet\'s authorization rules (least privilege, from the manifest)'
complete -c mqauth -n "__fish_mqauth_using_subcommand acl; and not __fish_seen_subcommand_from render help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mqauth -n "__fish_mqauth_using_subcommand acl; and __fish_seen_subcommand_from render" -l format -d 'Output format' -r -f -a "mosquitto\t'Mosquitto acl_file'
dynsec\t'Mosquitto dynamic-security plugin JSON'
emqx\t'EMQX file authorization (acl.conf)'"
complete -c mqauth -n "__fish_mqauth_using_subcommand acl; and __fish_seen_subcommand_from render" -l out -d 'Write to FILE (atomically) instead of standard output' -r -F
complete -c mqauth -n "__fish_mqauth_using_subcommand acl; and __fish_seen_subcommand_from render" -l fleet-dir -d 'Fleet directory, to deny identities that can still authenticate but left the manifest [default: the manifest\'s directory]' -r -F
complete -c mqauth -n "__fish_mqauth_using_subcommand acl; and __fish_seen_subcommand_from render" -s m -l manifest -d 'Fleet manifest (YAML)' -r -F
complete -c mqauth -n "__fish_mqauth_using_subcommand acl; and __fish_seen_subcommand_from render" -l color -d 'When to colour output; NO_COLOR in the environment means never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mqauth -n "__fish_mqauth_using_subcommand acl; and __fish_seen_subcommand_from render" -l lock-timeout -d 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file\'s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h' -r
complete -c mqauth -n "__fish_mqauth_using_subcommand acl; and __fish_seen_subcommand_from render" -l force -d 'Replace FILE if it exists'
complete -c mqauth -n "__fish_mqauth_using_subcommand acl; and __fish_seen_subcommand_from render" -l example -d 'Use the example manifest built into mqauth (the one `fleet init` writes)'
complete -c mqauth -n "__fish_mqauth_using_subcommand acl; and __fish_seen_subcommand_from render" -s q -l quiet -d 'Print no summary on stderr (errors and warnings are still printed)'
complete -c mqauth -n "__fish_mqauth_using_subcommand acl; and __fish_seen_subcommand_from render" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mqauth -n "__fish_mqauth_using_subcommand acl; and __fish_seen_subcommand_from render" -s V -l version -d 'Print version'
complete -c mqauth -n "__fish_mqauth_using_subcommand acl; and __fish_seen_subcommand_from help" -f -a "render" -d 'Render the fleet\'s authorization rules (least privilege, from the manifest)'
complete -c mqauth -n "__fish_mqauth_using_subcommand acl; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mqauth -n "__fish_mqauth_using_subcommand broker; and not __fish_seen_subcommand_from render snippet help" -s m -l manifest -d 'Fleet manifest (YAML) for `broker render` [default: fleet.yaml]' -r -F
complete -c mqauth -n "__fish_mqauth_using_subcommand broker; and not __fish_seen_subcommand_from render snippet help" -l color -d 'When to colour output; NO_COLOR in the environment means never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mqauth -n "__fish_mqauth_using_subcommand broker; and not __fish_seen_subcommand_from render snippet help" -l lock-timeout -d 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file\'s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h' -r
complete -c mqauth -n "__fish_mqauth_using_subcommand broker; and not __fish_seen_subcommand_from render snippet help" -l example -d '`broker render`: use the example manifest built into mqauth'
complete -c mqauth -n "__fish_mqauth_using_subcommand broker; and not __fish_seen_subcommand_from render snippet help" -s q -l quiet -d 'Print no summary on stderr (errors and warnings are still printed)'
complete -c mqauth -n "__fish_mqauth_using_subcommand broker; and not __fish_seen_subcommand_from render snippet help" -s h -l help -d 'Print help'
complete -c mqauth -n "__fish_mqauth_using_subcommand broker; and not __fish_seen_subcommand_from render snippet help" -s V -l version -d 'Print version'
complete -c mqauth -n "__fish_mqauth_using_subcommand broker; and not __fish_seen_subcommand_from render snippet help" -f -a "render" -d 'Render complete broker configurations (needs the credentials `fleet apply` made)'
complete -c mqauth -n "__fish_mqauth_using_subcommand broker; and not __fish_seen_subcommand_from render snippet help" -f -a "snippet" -d 'Mosquitto listener blocks for a plain PKI (no manifest): mTLS, and PSK with --psk-file'
complete -c mqauth -n "__fish_mqauth_using_subcommand broker; and not __fish_seen_subcommand_from render snippet help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mqauth -n "__fish_mqauth_using_subcommand broker; and __fish_seen_subcommand_from render" -s m -l manifest -d 'Fleet manifest (YAML)' -r -F
complete -c mqauth -n "__fish_mqauth_using_subcommand broker; and __fish_seen_subcommand_from render" -l broker -d 'Only this broker [default: all]' -r
complete -c mqauth -n "__fish_mqauth_using_subcommand broker; and __fish_seen_subcommand_from render" -l fleet-dir -d 'Fleet directory: where the PKI, PSKs and broker files live [default: the manifest\'s directory]' -r -F
complete -c mqauth -n "__fish_mqauth_using_subcommand broker; and __fish_seen_subcommand_from render" -l target -d 'Broker software of brokers whose manifest entry has no `kind:` (kept for older manifests; `kind:` in the manifest is the way to choose, and the only way to RabbitMQ)' -r -f -a "mosquitto\t'Mosquitto 2.0: mosquitto.conf, acl_file per listener, psk_file'
emqx\t'EMQX 5: emqx.conf, file authorization acl.conf, PSK init file'"
complete -c mqauth -n "__fish_mqauth_using_subcommand broker; and __fish_seen_subcommand_from render" -l mosquitto-version -d 'Mosquitto release of Mosquitto brokers whose manifest entry has no `mosquitto:`' -r -f -a "2.0\t'per_listener_settings true, acl_file per listener'
2.1\t'an acl-file plugin per listener (plugin_load/plugin_use), listener_allow_anonymous'"
complete -c mqauth -n "__fish_mqauth_using_subcommand broker; and __fish_seen_subcommand_from render" -l templates -d 'Directory of templates that replace the built-in ones (mosquitto.conf.j2, emqx.conf.j2, rabbitmq.conf.j2, rabbitmq-advanced.config.j2)' -r -F
complete -c mqauth -n "__fish_mqauth_using_subcommand broker; and __fish_seen_subcommand_from render" -l path-base -d 'Write paths in broker configs under this directory (where the fleet directory will be deployed) instead of absolute paths of this machine' -r -F
complete -c mqauth -n "__fish_mqauth_using_subcommand broker; and __fish_seen_subcommand_from render" -l color -d 'When to colour output; NO_COLOR in the environment means never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mqauth -n "__fish_mqauth_using_subcommand broker; and __fish_seen_subcommand_from render" -l lock-timeout -d 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file\'s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h' -r
complete -c mqauth -n "__fish_mqauth_using_subcommand broker; and __fish_seen_subcommand_from render" -l example -d 'Use the example manifest built into mqauth (the one `fleet init` writes)'
complete -c mqauth -n "__fish_mqauth_using_subcommand broker; and __fish_seen_subcommand_from render" -s q -l quiet -d 'Print no summary on stderr (errors and warnings are still printed)'
complete -c mqauth -n "__fish_mqauth_using_subcommand broker; and __fish_seen_subcommand_from render" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mqauth -n "__fish_mqauth_using_subcommand broker; and __fish_seen_subcommand_from render" -s V -l version -d 'Print version'
complete -c mqauth -n "__fish_mqauth_using_subcommand broker; and __fish_seen_subcommand_from snippet" -l pki -l dir -d 'PKI directory' -r -F
complete -c mqauth -n "__fish_mqauth_using_subcommand broker; and __fish_seen_subcommand_from snippet" -l broker -d 'The broker certificate\'s name in the PKI' -r
complete -c mqauth -n "__fish_mqauth_using_subcommand broker; and __fish_seen_subcommand_from snippet" -l mtls-port -d 'Port of the mutual-TLS listener' -r
complete -c mqauth -n "__fish_mqauth_using_subcommand broker; and __fish_seen_subcommand_from snippet" -l psk-file -d 'A psk_file (identity:hexkey lines): adds a TLS-PSK listener' -r -F
complete -c mqauth -n "__fish_mqauth_using_subcommand broker; and __fish_seen_subcommand_from snippet" -l psk-port -d 'Port of the PSK listener' -r
complete -c mqauth -n "__fish_mqauth_using_subcommand broker; and __fish_seen_subcommand_from snippet" -l psk-hint -d 'PSK hint the PSK listener sends [default: the broker\'s name]' -r
complete -c mqauth -n "__fish_mqauth_using_subcommand broker; and __fish_seen_subcommand_from snippet" -l listen -d 'Bind address of both listeners [default: all interfaces]' -r
complete -c mqauth -n "__fish_mqauth_using_subcommand broker; and __fish_seen_subcommand_from snippet" -l mosquitto-version -d 'Mosquitto release the listeners are for' -r -f -a "2.0\t'per_listener_settings true, acl_file per listener'
2.1\t'an acl-file plugin per listener (plugin_load/plugin_use), listener_allow_anonymous'"
complete -c mqauth -n "__fish_mqauth_using_subcommand broker; and __fish_seen_subcommand_from snippet" -l out -d 'Write to this file instead of standard output' -r -F
complete -c mqauth -n "__fish_mqauth_using_subcommand broker; and __fish_seen_subcommand_from snippet" -l color -d 'When to colour output; NO_COLOR in the environment means never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mqauth -n "__fish_mqauth_using_subcommand broker; and __fish_seen_subcommand_from snippet" -l lock-timeout -d 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file\'s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h' -r
complete -c mqauth -n "__fish_mqauth_using_subcommand broker; and __fish_seen_subcommand_from snippet" -l force -d 'Replace --out when it exists'
complete -c mqauth -n "__fish_mqauth_using_subcommand broker; and __fish_seen_subcommand_from snippet" -s q -l quiet -d 'Print no summary on stderr (errors and warnings are still printed)'
complete -c mqauth -n "__fish_mqauth_using_subcommand broker; and __fish_seen_subcommand_from snippet" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mqauth -n "__fish_mqauth_using_subcommand broker; and __fish_seen_subcommand_from snippet" -s V -l version -d 'Print version'
complete -c mqauth -n "__fish_mqauth_using_subcommand broker; and __fish_seen_subcommand_from help" -f -a "render" -d 'Render complete broker configurations (needs the credentials `fleet apply` made)'
complete -c mqauth -n "__fish_mqauth_using_subcommand broker; and __fish_seen_subcommand_from help" -f -a "snippet" -d 'Mosquitto listener blocks for a plain PKI (no manifest): mTLS, and PSK with --psk-file'
complete -c mqauth -n "__fish_mqauth_using_subcommand broker; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mqauth -n "__fish_mqauth_using_subcommand enroll; and not __fish_seen_subcommand_from serve device allow help" -l color -d 'When to colour output; NO_COLOR in the environment means never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mqauth -n "__fish_mqauth_using_subcommand enroll; and not __fish_seen_subcommand_from serve device allow help" -l lock-timeout -d 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file\'s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h' -r
complete -c mqauth -n "__fish_mqauth_using_subcommand enroll; and not __fish_seen_subcommand_from serve device allow help" -s q -l quiet -d 'Print no summary on stderr (errors and warnings are still printed)'
complete -c mqauth -n "__fish_mqauth_using_subcommand enroll; and not __fish_seen_subcommand_from serve device allow help" -s h -l help -d 'Print help'
complete -c mqauth -n "__fish_mqauth_using_subcommand enroll; and not __fish_seen_subcommand_from serve device allow help" -s V -l version -d 'Print version'
complete -c mqauth -n "__fish_mqauth_using_subcommand enroll; and not __fish_seen_subcommand_from serve device allow help" -f -a "serve" -d 'Answer enrollment and renewal requests (CSRs over MQTT) with the fleet\'s PKI'
complete -c mqauth -n "__fish_mqauth_using_subcommand enroll; and not __fish_seen_subcommand_from serve device allow help" -f -a "device" -d 'The reference device: a new key, its CSR over MQTT (bootstrap PSK or current certificate), the certificate checked and written'
complete -c mqauth -n "__fish_mqauth_using_subcommand enroll; and not __fish_seen_subcommand_from serve device allow help" -f -a "allow" -d 'Let devices whose certificate was revoked enroll again (with a new key)'
complete -c mqauth -n "__fish_mqauth_using_subcommand enroll; and not __fish_seen_subcommand_from serve device allow help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mqauth -n "__fish_mqauth_using_subcommand enroll; and __fish_seen_subcommand_from serve" -l pki -l dir -d 'PKI directory' -r -F
complete -c mqauth -n "__fish_mqauth_using_subcommand enroll; and __fish_seen_subcommand_from serve" -l passphrase-file -d 'File whose first line is the CA keys\' passphrase: encrypts them at `pki init`, unlocks them when signing (a pipe such as <(pass show ca) works)' -r -F
complete -c mqauth -n "__fish_mqauth_using_subcommand enroll; and __fish_seen_subcommand_from serve" -s m -l manifest -d 'Fleet manifest: the settings come from its enroll: section and the fleet directory' -r -F
complete -c mqauth -n "__fish_mqauth_using_subcommand enroll; and __fish_seen_subcommand_from serve" -l fleet-dir -l out -d 'The fleet directory (default: the manifest\'s directory)' -r -F
complete -c mqauth -n "__fish_mqauth_using_subcommand enroll; and __fish_seen_subcommand_from serve" -l broker -d 'The broker, HOST:PORT (its mutual-TLS listener); with -m, the enroll.broker\'s first name and mtls_port' -r
complete -c mqauth -n "__fish_mqauth_using_subcommand enroll; and __fish_seen_subcommand_from serve" -l cafile -d 'Trust anchor(s) for the broker\'s certificate (PEM); with -m, the fleet\'s root CA' -r -F
complete -c mqauth -n "__fish_mqauth_using_subcommand enroll; and __fish_seen_subcommand_from serve" -l cert -d 'The service\'s own client certificate (PEM; may hold its chain); with -m, the one `fleet apply` issued for enroll.service' -r -F
complete -c mqauth -n "__fish_mqauth_using_subcommand enroll; and __fish_seen_subcommand_from serve" -l key -d 'The service\'s private key (unencrypted PKCS#8 PEM)' -r -F
complete -c mqauth -n "__fish_mqauth_using_subcommand enroll; and __fish_seen_subcommand_from serve" -l bootstrap-psk-file -d 'Devices whose identity is in this psk_file may enroll on PREFIX/ID/csr; without it, only renewals are answered' -r -F
complete -c mqauth -n "__fish_mqauth_using_subcommand enroll; and __fish_seen_subcommand_from serve" -l bootstrap -d '`once`: remove a device\'s identity from --bootstrap-psk-file after its first certificate, so that a factory PSK that leaks later enrolls nothing' -r -f -a "keep\t'Leave it in the psk_file'
once\t'Remove it (atomically) after the first certificate, then run the reload command'"
complete -c mqauth -n "__fish_mqauth_using_subcommand enroll; and __fish_seen_subcommand_from serve" -l reload-command -d 'Shell command run after identities were removed, so that the broker re-reads its psk_file (e.g. `systemctl reload mosquitto`; Mosquitto reloads on SIGHUP)' -r
complete -c mqauth -n "__fish_mqauth_using_subcommand enroll; and __fish_seen_subcommand_from serve" -l prefix -d 'Topic prefix of the protocol' -r
complete -c mqauth -n "__fish_mqauth_using_subcommand enroll; and __fish_seen_subcommand_from serve" -l lifetime -l days -d 'Lifetime of the certificates issued (e.g. 90d, 12h, 2y)' -r
complete -c mqauth -n "__fish_mqauth_using_subcommand enroll; and __fish_seen_subcommand_from serve" -l renew-window -d 'The last part of a certificate\'s lifetime, in percent, in which it may be renewed with the same key (a new key may renew at any time)' -r
complete -c mqauth -n "__fish_mqauth_using_subcommand enroll; and __fish_seen_subcommand_from serve" -l key-type -d 'Key types certified (repeatable)' -r -f -a "p256\t'ECDSA P-256: small, fast, read by every TLS stack'
p384\t'ECDSA P-384'
ed25519\t'Ed25519 (mbedTLS 2.x cannot parse it)'
rsa2048\t'RSA 2048 bits'
rsa3072\t'RSA 3072 bits'
rsa4096\t'RSA 4096 bits'"
complete -c mqauth -n "__fish_mqauth_using_subcommand enroll; and __fish_seen_subcommand_from serve" -l rate -d 'Requests answered per device per minute; more are refused with rate-limited' -r
complete -c mqauth -n "__fish_mqauth_using_subcommand enroll; and __fish_seen_subcommand_from serve" -l client-id -d 'MQTT client id of the service (its persistent session is kept under it)' -r
complete -c mqauth -n "__fish_mqauth_using_subcommand enroll; and __fish_seen_subcommand_from serve" -l share-group -d 'Subscribe as a member of this shared subscription group ($share/NAME/…, MQTT 5): the broker gives each request to one of the services in the group. For several services on one PKI whose records are in PostgreSQL (docs/postgres.md); each needs its own --client-id' -r
complete -c mqauth -n "__fish_mqauth_using_subcommand enroll; and __fish_seen_subcommand_from serve" -l log-format -d 'Log lines as text or JSON' -r -f -a "text\t''
json\t''"
complete -c mqauth -n "__fish_mqauth_using_subcommand enroll; and __fish_seen_subcommand_from serve" -l metrics -d 'Serve GET /metrics (Prometheus) and /healthz over HTTP on ADDR, e.g. 127.0.0.1:9464 (only there; bound before the service connects)' -r
complete -c mqauth -n "__fish_mqauth_using_subcommand enroll; and __fish_seen_subcommand_from serve" -l color -d 'When to colour output; NO_COLOR in the environment means never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mqauth -n "__fish_mqauth_using_subcommand enroll; and __fish_seen_subcommand_from serve" -l lock-timeout -d 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file\'s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h' -r
complete -c mqauth -n "__fish_mqauth_using_subcommand enroll; and __fish_seen_subcommand_from serve" -l reenroll -d 'Let a device that holds a valid certificate enroll again on /csr with a new key (a device reset to factory state) instead of refusing it with already-enrolled'
complete -c mqauth -n "__fish_mqauth_using_subcommand enroll; and __fish_seen_subcommand_from serve" -s q -l quiet -d 'Print no summary on stderr (errors and warnings are still printed)'
complete -c mqauth -n "__fish_mqauth_using_subcommand enroll; and __fish_seen_subcommand_from serve" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mqauth -n "__fish_mqauth_using_subcommand enroll; and __fish_seen_subcommand_from serve" -s V -l version -d 'Print version'
complete -c mqauth -n "__fish_mqauth_using_subcommand enroll; and __fish_seen_subcommand_from device" -l broker -d 'The broker, HOST:PORT: its TLS-PSK listener with --psk-file, its mutual-TLS one with --cert/--key' -r
complete -c mqauth -n "__fish_mqauth_using_subcommand enroll; and __fish_seen_subcommand_from device" -l psk-file -d 'Bootstrap PSK: a Mosquitto psk_file holding the line ID:HEXKEY (first certificate)' -r -F
complete -c mqauth -n "__fish_mqauth_using_subcommand enroll; and __fish_seen_subcommand_from device" -l cert -d 'The device\'s current certificate (PEM, may hold its chain), to renew over mutual TLS' -r -F
complete -c mqauth -n "__fish_mqauth_using_subcommand enroll; and __fish_seen_subcommand_from device" -l key -d 'The key of --cert (unencrypted PKCS#8 PEM)' -r -F
complete -c mqauth -n "__fish_mqauth_using_subcommand enroll; and __fish_seen_subcommand_from device" -l cafile -d 'The CA the certificate received must chain to; with --cert, also the broker\'s trust anchor' -r -F
complete -c mqauth -n "__fish_mqauth_using_subcommand enroll; and __fish_seen_subcommand_from device" -l prefix -d 'Topic prefix of the protocol' -r
complete -c mqauth -n "__fish_mqauth_using_subcommand enroll; and __fish_seen_subcommand_from device" -l key-type -d 'Type of the new key' -r -f -a "p256\t'ECDSA P-256: small, fast, read by every TLS stack'
p384\t'ECDSA P-384'"
complete -c mqauth -n "__fish_mqauth_using_subcommand enroll; and __fish_seen_subcommand_from device" -l out -d 'Where ID.crt and ID.key are written' -r -F
complete -c mqauth -n "__fish_mqauth_using_subcommand enroll; and __fish_seen_subcommand_from device" -l timeout -d 'How long the whole exchange may take, connecting included (e.g. 30s, 2m)' -r
complete -c mqauth -n "__fish_mqauth_using_subcommand enroll; and __fish_seen_subcommand_from device" -l color -d 'When to colour output; NO_COLOR in the environment means never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mqauth -n "__fish_mqauth_using_subcommand enroll; and __fish_seen_subcommand_from device" -l lock-timeout -d 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file\'s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h' -r
complete -c mqauth -n "__fish_mqauth_using_subcommand enroll; and __fish_seen_subcommand_from device" -l renew -d 'Renew (publish on PREFIX/ID/renew); implied by --cert/--key, which it requires'
complete -c mqauth -n "__fish_mqauth_using_subcommand enroll; and __fish_seen_subcommand_from device" -l force -d 'Overwrite ID.crt and ID.key'
complete -c mqauth -n "__fish_mqauth_using_subcommand enroll; and __fish_seen_subcommand_from device" -s q -l quiet -d 'Print no summary on stderr (errors and warnings are still printed)'
complete -c mqauth -n "__fish_mqauth_using_subcommand enroll; and __fish_seen_subcommand_from device" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mqauth -n "__fish_mqauth_using_subcommand enroll; and __fish_seen_subcommand_from device" -s V -l version -d 'Print version'
complete -c mqauth -n "__fish_mqauth_using_subcommand enroll; and __fish_seen_subcommand_from allow" -l pki -l dir -d 'PKI directory' -r -F
complete -c mqauth -n "__fish_mqauth_using_subcommand enroll; and __fish_seen_subcommand_from allow" -l color -d 'When to colour output; NO_COLOR in the environment means never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mqauth -n "__fish_mqauth_using_subcommand enroll; and __fish_seen_subcommand_from allow" -l lock-timeout -d 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file\'s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h' -r
complete -c mqauth -n "__fish_mqauth_using_subcommand enroll; and __fish_seen_subcommand_from allow" -l despite-unknown-keys -d 'Allow a device even though the key of one of its revoked certificates is unknown (it was recorded before mqauth kept keys, and its file was replaced since), so that a CSR for that key cannot be refused'
complete -c mqauth -n "__fish_mqauth_using_subcommand enroll; and __fish_seen_subcommand_from allow" -l json -d 'Print what was done for each device as JSON'
complete -c mqauth -n "__fish_mqauth_using_subcommand enroll; and __fish_seen_subcommand_from allow" -s q -l quiet -d 'Print no summary on stderr (errors and warnings are still printed)'
complete -c mqauth -n "__fish_mqauth_using_subcommand enroll; and __fish_seen_subcommand_from allow" -s h -l help -d 'Print help'
complete -c mqauth -n "__fish_mqauth_using_subcommand enroll; and __fish_seen_subcommand_from allow" -s V -l version -d 'Print version'
complete -c mqauth -n "__fish_mqauth_using_subcommand enroll; and __fish_seen_subcommand_from help" -f -a "serve" -d 'Answer enrollment and renewal requests (CSRs over MQTT) with the fleet\'s PKI'
complete -c mqauth -n "__fish_mqauth_using_subcommand enroll; and __fish_seen_subcommand_from help" -f -a "device" -d 'The reference device: a new key, its CSR over MQTT (bootstrap PSK or current certificate), the certificate checked and written'
complete -c mqauth -n "__fish_mqauth_using_subcommand enroll; and __fish_seen_subcommand_from help" -f -a "allow" -d 'Let devices whose certificate was revoked enroll again (with a new key)'
complete -c mqauth -n "__fish_mqauth_using_subcommand enroll; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mqauth -n "__fish_mqauth_using_subcommand audit" -l config -d 'Mosquitto configuration file (repeatable)' -r -F
complete -c mqauth -n "__fish_mqauth_using_subcommand audit" -l min-severity -d 'Report only findings this severe or more' -r -f -a "note\t'everything'
warning\t'warnings and problems'
problem\t'problems only'"
complete -c mqauth -n "__fish_mqauth_using_subcommand audit" -l at -d 'Evaluate every validity check at this moment instead of now (a date, or RFC 3339)' -r
complete -c mqauth -n "__fish_mqauth_using_subcommand audit" -l warn-days -d 'Warn about certificates and CRLs that expire within this many days' -r
complete -c mqauth -n "__fish_mqauth_using_subcommand audit" -l host -d 'A name devices dial: every broker certificate must hold it (repeatable)' -r
complete -c mqauth -n "__fish_mqauth_using_subcommand audit" -l color -d 'When to colour output; NO_COLOR in the environment means never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mqauth -n "__fish_mqauth_using_subcommand audit" -l lock-timeout -d 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file\'s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h' -r
complete -c mqauth -n "__fish_mqauth_using_subcommand audit" -l json -d 'Print the findings as a JSON array'
complete -c mqauth -n "__fish_mqauth_using_subcommand audit" -l sarif -d 'Print SARIF 2.1.0 (for CI systems that show findings inline)'
complete -c mqauth -n "__fish_mqauth_using_subcommand audit" -s q -l quiet -d 'Print no summary on stderr (errors and warnings are still printed)'
complete -c mqauth -n "__fish_mqauth_using_subcommand audit" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mqauth -n "__fish_mqauth_using_subcommand audit" -s V -l version -d 'Print version'
complete -c mqauth -n "__fish_mqauth_using_subcommand export" -l format -d 'Output format [default: dir; jsonl with --all]' -r -f -a "dir\t'a directory: ca.crt, client.crt, client.key (or psk.txt), connection.json'
pem\t'one PEM file: certificate, key, then the CA'
der\t'a directory of DER files (ca.der, client.der, client.key.der), for flash'
pkcs12\t'a .p12 (AES-256-CBC, PBKDF2), passphrase from --p12-passphrase-file'
c-header\t'a C header: DER arrays with lengths, PEM strings, #defines'
json\t'one JSON object with every field'
env\t'KEY=value lines (docker --env-file); certificates as base64 DER'
jsonl\t'--all: one JSON object per device and line'
csv\t'--all: one CSV row per device, with a header'"
complete -c mqauth -n "__fish_mqauth_using_subcommand export" -l out -d 'Where to write (see below); `-` writes a one-file format to standard output' -r -F
complete -c mqauth -n "__fish_mqauth_using_subcommand export" -s m -l manifest -d 'Fleet manifest: the PKI, the PSK store and the brokers come from it' -r -F
complete -c mqauth -n "__fish_mqauth_using_subcommand export" -l fleet-dir -d 'The fleet directory (default: the manifest\'s directory)' -r -F
complete -c mqauth -n "__fish_mqauth_using_subcommand export" -l pki -l dir -d 'PKI directory' -r -F
complete -c mqauth -n "__fish_mqauth_using_subcommand export" -l psk-file -d 'Without -m: the psk_file that holds PSK devices\' keys' -r -F
complete -c mqauth -n "__fish_mqauth_using_subcommand export" -l broker -d 'The broker devices connect to: a broker certificate of the PKI, or of the manifest [default: the only one, or the manifest\'s first]' -r
complete -c mqauth -n "__fish_mqauth_using_subcommand export" -l host -d 'The name devices dial [default: the broker certificate\'s first DNS name, else its first IP address]' -r
complete -c mqauth -n "__fish_mqauth_using_subcommand export" -l port -d 'The port devices dial [default: the manifest\'s mtls_port or psk_port; 8883 or 8884]' -r
complete -c mqauth -n "__fish_mqauth_using_subcommand export" -l p12-passphrase-file -d 'File whose first line is the PKCS#12 bundle\'s passphrase' -r -F
complete -c mqauth -n "__fish_mqauth_using_subcommand export" -l stack -d 'The devices\' TLS stack: warn when the credentials will not work on it' -r -f -a "mbedtls2\t'mbedTLS 2.x (2.28 LTS: ESP-IDF 4, many RTOS SDKs)'
mbedtls3\t'mbedTLS 3.x (ESP-IDF 5, Zephyr)'
wolfssl\t'wolfSSL 5.x'
openssl\t'OpenSSL 3 (Linux gateways, paho, mosquitto clients)'"
complete -c mqauth -n "__fish_mqauth_using_subcommand export" -l clock -d 'Whether the devices keep time; `none` checks that certificates outlive --service-life' -r -f -a "synced\t'the device knows the time (RTC, NTP, GNSS, cellular)'
none\t'the device has no reliable time'"
complete -c mqauth -n "__fish_mqauth_using_subcommand export" -l service-life -d 'How long a device without a clock must work on one certificate' -r
complete -c mqauth -n "__fish_mqauth_using_subcommand export" -l color -d 'When to colour output; NO_COLOR in the environment means never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mqauth -n "__fish_mqauth_using_subcommand export" -l lock-timeout -d 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file\'s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h' -r
complete -c mqauth -n "__fish_mqauth_using_subcommand export" -l all -d 'Every device of the manifest (-m), as a stream: --format jsonl or csv'
complete -c mqauth -n "__fish_mqauth_using_subcommand export" -l include-keys -d 'With --all: put each device\'s private key or PSK in the stream too'
complete -c mqauth -n "__fish_mqauth_using_subcommand export" -l strict -d 'Refuse, instead of warning, when the credentials will not work on --stack or --clock'
complete -c mqauth -n "__fish_mqauth_using_subcommand export" -l force -d 'Replace files that exist'
complete -c mqauth -n "__fish_mqauth_using_subcommand export" -s q -l quiet -d 'Print no summary on stderr (errors and warnings are still printed)'
complete -c mqauth -n "__fish_mqauth_using_subcommand export" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mqauth -n "__fish_mqauth_using_subcommand export" -s V -l version -d 'Print version'
complete -c mqauth -n "__fish_mqauth_using_subcommand storm" -l broker -d 'The broker, HOST:PORT (loopback unless --allow-remote); with -m the port may be left out: the manifest\'s ports are used' -r
complete -c mqauth -n "__fish_mqauth_using_subcommand storm" -s m -l manifest -d 'Devices of a fleet manifest (credentials as `fleet apply` wrote them)' -r -F
complete -c mqauth -n "__fish_mqauth_using_subcommand storm" -l fleet-dir -d 'The fleet directory (default: the manifest\'s directory)' -r -F
complete -c mqauth -n "__fish_mqauth_using_subcommand storm" -l group -d 'Only the devices of this group of the manifest' -r
complete -c mqauth -n "__fish_mqauth_using_subcommand storm" -l pki -d 'Every client certificate of a PKI directory whose key it holds' -r -F
complete -c mqauth -n "__fish_mqauth_using_subcommand storm" -l psk-file -d 'Every identity of a Mosquitto psk_file (IDENTITY:HEXKEY lines)' -r -F
complete -c mqauth -n "__fish_mqauth_using_subcommand storm" -l clients -d 'How many devices connect (default: all of the source\'s; 1000 per kind with --compare; at most 100000)' -r
complete -c mqauth -n "__fish_mqauth_using_subcommand storm" -l rate -d 'New connections per second, e.g. 200 or 200/s' -r
complete -c mqauth -n "__fish_mqauth_using_subcommand storm" -l duration -d 'The storm stops then, cutting off clients still connecting (at most 10m)' -r
complete -c mqauth -n "__fish_mqauth_using_subcommand storm" -l timeout -d 'How long one client may take, connect to last acknowledgement' -r
complete -c mqauth -n "__fish_mqauth_using_subcommand storm" -l publish -d 'Publish one QoS 1 message per client on this topic ({id} is the device)' -r
complete -c mqauth -n "__fish_mqauth_using_subcommand storm" -l broker-pid -d 'The broker\'s process id (a broker on this machine): report its CPU time' -r
complete -c mqauth -n "__fish_mqauth_using_subcommand storm" -l compare -d 'One storm per credential kind, side by side (psk, p256, p384, ed25519, rsa2048, rsa3072, rsa4096), each with a temporary fleet and its own local Mosquitto' -r
complete -c mqauth -n "__fish_mqauth_using_subcommand storm" -l color -d 'When to colour output; NO_COLOR in the environment means never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mqauth -n "__fish_mqauth_using_subcommand storm" -l lock-timeout -d 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file\'s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h' -r
complete -c mqauth -n "__fish_mqauth_using_subcommand storm" -l burst -d 'Start every client at once'
complete -c mqauth -n "__fish_mqauth_using_subcommand storm" -l json -d 'Print the report as JSON (an array of reports with --compare)'
complete -c mqauth -n "__fish_mqauth_using_subcommand storm" -l allow-remote -d 'Allow a broker outside loopback: your own broker only'
complete -c mqauth -n "__fish_mqauth_using_subcommand storm" -s q -l quiet -d 'Print no summary on stderr (errors and warnings are still printed)'
complete -c mqauth -n "__fish_mqauth_using_subcommand storm" -s h -l help -d 'Print help'
complete -c mqauth -n "__fish_mqauth_using_subcommand storm" -s V -l version -d 'Print version'
complete -c mqauth -n "__fish_mqauth_using_subcommand completions" -l color -d 'When to colour output; NO_COLOR in the environment means never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mqauth -n "__fish_mqauth_using_subcommand completions" -l lock-timeout -d 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file\'s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h' -r
complete -c mqauth -n "__fish_mqauth_using_subcommand completions" -s q -l quiet -d 'Print no summary on stderr (errors and warnings are still printed)'
complete -c mqauth -n "__fish_mqauth_using_subcommand completions" -s h -l help -d 'Print help'
complete -c mqauth -n "__fish_mqauth_using_subcommand completions" -s V -l version -d 'Print version'
complete -c mqauth -n "__fish_mqauth_using_subcommand man" -l color -d 'When to colour output; NO_COLOR in the environment means never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mqauth -n "__fish_mqauth_using_subcommand man" -l lock-timeout -d 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file\'s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h' -r
complete -c mqauth -n "__fish_mqauth_using_subcommand man" -s q -l quiet -d 'Print no summary on stderr (errors and warnings are still printed)'
complete -c mqauth -n "__fish_mqauth_using_subcommand man" -s h -l help -d 'Print help'
complete -c mqauth -n "__fish_mqauth_using_subcommand man" -s V -l version -d 'Print version'
complete -c mqauth -n "__fish_mqauth_using_subcommand generate; and not __fish_seen_subcommand_from man completions systemd-unit help" -l color -d 'When to colour output; NO_COLOR in the environment means never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mqauth -n "__fish_mqauth_using_subcommand generate; and not __fish_seen_subcommand_from man completions systemd-unit help" -l lock-timeout -d 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file\'s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h' -r
complete -c mqauth -n "__fish_mqauth_using_subcommand generate; and not __fish_seen_subcommand_from man completions systemd-unit help" -s q -l quiet -d 'Print no summary on stderr (errors and warnings are still printed)'
complete -c mqauth -n "__fish_mqauth_using_subcommand generate; and not __fish_seen_subcommand_from man completions systemd-unit help" -s h -l help -d 'Print help'
complete -c mqauth -n "__fish_mqauth_using_subcommand generate; and not __fish_seen_subcommand_from man completions systemd-unit help" -s V -l version -d 'Print version'
complete -c mqauth -n "__fish_mqauth_using_subcommand generate; and not __fish_seen_subcommand_from man completions systemd-unit help" -f -a "man" -d 'One man page per command, into DIR'
complete -c mqauth -n "__fish_mqauth_using_subcommand generate; and not __fish_seen_subcommand_from man completions systemd-unit help" -f -a "completions" -d 'The completion script for SHELL, into DIR'
complete -c mqauth -n "__fish_mqauth_using_subcommand generate; and not __fish_seen_subcommand_from man completions systemd-unit help" -f -a "systemd-unit" -d 'A hardened systemd unit for a service, on standard output'
complete -c mqauth -n "__fish_mqauth_using_subcommand generate; and not __fish_seen_subcommand_from man completions systemd-unit help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mqauth -n "__fish_mqauth_using_subcommand generate; and __fish_seen_subcommand_from man" -l color -d 'When to colour output; NO_COLOR in the environment means never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mqauth -n "__fish_mqauth_using_subcommand generate; and __fish_seen_subcommand_from man" -l lock-timeout -d 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file\'s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h' -r
complete -c mqauth -n "__fish_mqauth_using_subcommand generate; and __fish_seen_subcommand_from man" -s q -l quiet -d 'Print no summary on stderr (errors and warnings are still printed)'
complete -c mqauth -n "__fish_mqauth_using_subcommand generate; and __fish_seen_subcommand_from man" -s h -l help -d 'Print help'
complete -c mqauth -n "__fish_mqauth_using_subcommand generate; and __fish_seen_subcommand_from man" -s V -l version -d 'Print version'
complete -c mqauth -n "__fish_mqauth_using_subcommand generate; and __fish_seen_subcommand_from completions" -l color -d 'When to colour output; NO_COLOR in the environment means never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mqauth -n "__fish_mqauth_using_subcommand generate; and __fish_seen_subcommand_from completions" -l lock-timeout -d 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file\'s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h' -r
complete -c mqauth -n "__fish_mqauth_using_subcommand generate; and __fish_seen_subcommand_from completions" -s q -l quiet -d 'Print no summary on stderr (errors and warnings are still printed)'
complete -c mqauth -n "__fish_mqauth_using_subcommand generate; and __fish_seen_subcommand_from completions" -s h -l help -d 'Print help'
complete -c mqauth -n "__fish_mqauth_using_subcommand generate; and __fish_seen_subcommand_from completions" -s V -l version -d 'Print version'
complete -c mqauth -n "__fish_mqauth_using_subcommand generate; and __fish_seen_subcommand_from systemd-unit" -l color -d 'When to colour output; NO_COLOR in the environment means never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mqauth -n "__fish_mqauth_using_subcommand generate; and __fish_seen_subcommand_from systemd-unit" -l lock-timeout -d 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file\'s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h' -r
complete -c mqauth -n "__fish_mqauth_using_subcommand generate; and __fish_seen_subcommand_from systemd-unit" -s q -l quiet -d 'Print no summary on stderr (errors and warnings are still printed)'
complete -c mqauth -n "__fish_mqauth_using_subcommand generate; and __fish_seen_subcommand_from systemd-unit" -s h -l help -d 'Print help'
complete -c mqauth -n "__fish_mqauth_using_subcommand generate; and __fish_seen_subcommand_from systemd-unit" -s V -l version -d 'Print version'
complete -c mqauth -n "__fish_mqauth_using_subcommand generate; and __fish_seen_subcommand_from systemd-unit" -f -a "enroll" -d '`enroll serve` with the arguments after `--`, run from the current directory'
complete -c mqauth -n "__fish_mqauth_using_subcommand generate; and __fish_seen_subcommand_from systemd-unit" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mqauth -n "__fish_mqauth_using_subcommand generate; and __fish_seen_subcommand_from help" -f -a "man" -d 'One man page per command, into DIR'
complete -c mqauth -n "__fish_mqauth_using_subcommand generate; and __fish_seen_subcommand_from help" -f -a "completions" -d 'The completion script for SHELL, into DIR'
complete -c mqauth -n "__fish_mqauth_using_subcommand generate; and __fish_seen_subcommand_from help" -f -a "systemd-unit" -d 'A hardened systemd unit for a service, on standard output'
complete -c mqauth -n "__fish_mqauth_using_subcommand generate; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mqauth -n "__fish_mqauth_using_subcommand help; and not __fish_seen_subcommand_from pki psk inspect verify fleet acl broker enroll audit export storm completions man generate help" -f -a "pki" -d 'Certificate authority: root and intermediate CA, broker and client certificates, CSRs'
complete -c mqauth -n "__fish_mqauth_using_subcommand help; and not __fish_seen_subcommand_from pki psk inspect verify fleet acl broker enroll audit export storm completions man generate help" -f -a "psk" -d 'TLS pre-shared keys: per-device batches, rotation, revocation, linting'
complete -c mqauth -n "__fish_mqauth_using_subcommand help; and not __fish_seen_subcommand_from pki psk inspect verify fleet acl broker enroll audit export storm completions man generate help" -f -a "inspect" -d 'Show certificates (files, bundles, directories) with their expiry and status'
complete -c mqauth -n "__fish_mqauth_using_subcommand help; and not __fish_seen_subcommand_from pki psk inspect verify fleet acl broker enroll audit export storm completions man generate help" -f -a "verify" -d 'Verify certificate chains like `openssl verify`: signatures, validity, CA flags, purpose, revocation'
complete -c mqauth -n "__fish_mqauth_using_subcommand help; and not __fish_seen_subcommand_from pki psk inspect verify fleet acl broker enroll audit export storm completions man generate help" -f -a "fleet" -d 'Fleet manifests: plan and apply every credential and broker file from one YAML file'
complete -c mqauth -n "__fish_mqauth_using_subcommand help; and not __fish_seen_subcommand_from pki psk inspect verify fleet acl broker enroll audit export storm completions man generate help" -f -a "acl" -d 'Render the fleet\'s ACL (Mosquitto acl_file, dynamic-security JSON, EMQX acl.conf)'
complete -c mqauth -n "__fish_mqauth_using_subcommand help; and not __fish_seen_subcommand_from pki psk inspect verify fleet acl broker enroll audit export storm completions man generate help" -f -a "broker" -d 'Render complete broker configurations (Mosquitto, EMQX) for the fleet'
complete -c mqauth -n "__fish_mqauth_using_subcommand help; and not __fish_seen_subcommand_from pki psk inspect verify fleet acl broker enroll audit export storm completions man generate help" -f -a "enroll" -d 'Enrollment over MQTT: devices trade a CSR for a certificate, and renew in the field'
complete -c mqauth -n "__fish_mqauth_using_subcommand help; and not __fish_seen_subcommand_from pki psk inspect verify fleet acl broker enroll audit export storm completions man generate help" -f -a "audit" -d 'Find the classic mistakes in an existing Mosquitto deployment (ACLs, PSKs, certificates, CRLs, listeners)'
complete -c mqauth -n "__fish_mqauth_using_subcommand help; and not __fish_seen_subcommand_from pki psk inspect verify fleet acl broker enroll audit export storm completions man generate help" -f -a "export" -d 'Hand devices their credentials: directories, PEM, DER, PKCS#12, C headers, JSON, env, and factory streams, with the broker\'s address and pin'
complete -c mqauth -n "__fish_mqauth_using_subcommand help; and not __fish_seen_subcommand_from pki psk inspect verify fleet acl broker enroll audit export storm completions man generate help" -f -a "storm" -d 'Measure what a reconnect storm costs the broker, with the fleet\'s own credentials (PSK vs certificates side by side with --compare)'
complete -c mqauth -n "__fish_mqauth_using_subcommand help; and not __fish_seen_subcommand_from pki psk inspect verify fleet acl broker enroll audit export storm completions man generate help" -f -a "completions" -d 'Print the shell completion script for bash, zsh, fish, elvish or powershell'
complete -c mqauth -n "__fish_mqauth_using_subcommand help; and not __fish_seen_subcommand_from pki psk inspect verify fleet acl broker enroll audit export storm completions man generate help" -f -a "man" -d 'Write one man page per command into DIR'
complete -c mqauth -n "__fish_mqauth_using_subcommand help; and not __fish_seen_subcommand_from pki psk inspect verify fleet acl broker enroll audit export storm completions man generate help" -f -a "generate" -d 'Write the man pages or shell completions (how `man/` and `completions/` are made)'
complete -c mqauth -n "__fish_mqauth_using_subcommand help; and not __fish_seen_subcommand_from pki psk inspect verify fleet acl broker enroll audit export storm completions man generate help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mqauth -n "__fish_mqauth_using_subcommand help; and __fish_seen_subcommand_from pki" -f -a "init" -d 'Create a root CA and an intermediate issuing CA'
complete -c mqauth -n "__fish_mqauth_using_subcommand help; and __fish_seen_subcommand_from pki" -f -a "broker" -d 'Issue a broker (server) certificate with subject alternative names'
complete -c mqauth -n "__fish_mqauth_using_subcommand help; and __fish_seen_subcommand_from pki" -f -a "client" -d 'Issue client certificates, one key per device (CN = device ID)'
complete -c mqauth -n "__fish_mqauth_using_subcommand help; and __fish_seen_subcommand_from pki" -f -a "sign" -d 'Sign a certificate signing request whose key was made elsewhere (a secure element)'
complete -c mqauth -n "__fish_mqauth_using_subcommand help; and __fish_seen_subcommand_from pki" -f -a "list" -d 'List the certificates the PKI issued'
complete -c mqauth -n "__fish_mqauth_using_subcommand help; and __fish_seen_subcommand_from pki" -f -a "revoke" -d 'Revoke a certificate and publish a new CRL'
complete -c mqauth -n "__fish_mqauth_using_subcommand help; and __fish_seen_subcommand_from pki" -f -a "crl" -d 'Re-sign the certificate revocation list (crl.pem, or ca.crl.pem with --ca root)'
complete -c mqauth -n "__fish_mqauth_using_subcommand help; and __fish_seen_subcommand_from pki" -f -a "renew" -d 'Re-issue certificates that expire soon (or the named ones), keeping their keys'
complete -c mqauth -n "__fish_mqauth_using_subcommand help; and __fish_seen_subcommand_from pki" -f -a "pin" -d 'Print a broker\'s public-key pin (SHA-256 of its SubjectPublicKeyInfo)'
complete -c mqauth -n "__fish_mqauth_using_subcommand help; and __fish_seen_subcommand_from pki" -f -a "hsm" -d 'CA keys in a PKCS#11 token: move a file key into one (docs/hsm.md)'
complete -c mqauth -n "__fish_mqauth_using_subcommand help; and __fish_seen_subcommand_from pki" -f -a "migrate" -d 'Move the records from pki.db into an empty PostgreSQL database'
complete -c mqauth -n "__fish_mqauth_using_subcommand help; and __fish_seen_subcommand_from psk" -f -a "gen" -d 'Generate identities with their own random keys (Mosquitto psk_file, CSV or JSON)'
complete -c mqauth -n "__fish_mqauth_using_subcommand help; and __fish_seen_subcommand_from psk" -f -a "rotate" -d 'Give identities fresh keys in an existing PSK file'
complete -c mqauth -n "__fish_mqauth_using_subcommand help; and __fish_seen_subcommand_from psk" -f -a "revoke" -d 'Remove identities from a PSK file'
complete -c mqauth -n "__fish_mqauth_using_subcommand help; and __fish_seen_subcommand_from psk" -f -a "check" -d 'Lint PSK files: malformed lines, bad hex, short or weak keys, duplicates, shared keys, loose permissions'
complete -c mqauth -n "__fish_mqauth_using_subcommand help; and __fish_seen_subcommand_from fleet" -f -a "init" -d 'Write a commented example manifest to start from'
complete -c mqauth -n "__fish_mqauth_using_subcommand help; and __fish_seen_subcommand_from fleet" -f -a "plan" -d 'Show what apply would create, change or remove; writes nothing'
complete -c mqauth -n "__fish_mqauth_using_subcommand help; and __fish_seen_subcommand_from fleet" -f -a "apply" -d 'Create the PKI, certificates, PSKs, ACLs and broker configs the manifest asks for'
complete -c mqauth -n "__fish_mqauth_using_subcommand help; and __fish_seen_subcommand_from acl" -f -a "render" -d 'Render the fleet\'s authorization rules (least privilege, from the manifest)'
complete -c mqauth -n "__fish_mqauth_using_subcommand help; and __fish_seen_subcommand_from broker" -f -a "render" -d 'Render complete broker configurations (needs the credentials `fleet apply` made)'
complete -c mqauth -n "__fish_mqauth_using_subcommand help; and __fish_seen_subcommand_from broker" -f -a "snippet" -d 'Mosquitto listener blocks for a plain PKI (no manifest): mTLS, and PSK with --psk-file'
complete -c mqauth -n "__fish_mqauth_using_subcommand help; and __fish_seen_subcommand_from enroll" -f -a "serve" -d 'Answer enrollment and renewal requests (CSRs over MQTT) with the fleet\'s PKI'
complete -c mqauth -n "__fish_mqauth_using_subcommand help; and __fish_seen_subcommand_from enroll" -f -a "device" -d 'The reference device: a new key, its CSR over MQTT (bootstrap PSK or current certificate), the certificate checked and written'
complete -c mqauth -n "__fish_mqauth_using_subcommand help; and __fish_seen_subcommand_from enroll" -f -a "allow" -d 'Let devices whose certificate was revoked enroll again (with a new key)'
complete -c mqauth -n "__fish_mqauth_using_subcommand help; and __fish_seen_subcommand_from generate" -f -a "man" -d 'One man page per command, into DIR'
complete -c mqauth -n "__fish_mqauth_using_subcommand help; and __fish_seen_subcommand_from generate" -f -a "completions" -d 'The completion script for SHELL, into DIR'
complete -c mqauth -n "__fish_mqauth_using_subcommand help; and __fish_seen_subcommand_from generate" -f -a "systemd-unit" -d 'A hardened systemd unit for a service, on standard output'

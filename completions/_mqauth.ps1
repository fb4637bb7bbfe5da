
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'mqauth' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'mqauth'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'mqauth' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output; NO_COLOR in the environment means never')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file''s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no summary on stderr (errors and warnings are still printed)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no summary on stderr (errors and warnings are still printed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('pki', 'pki', [CompletionResultType]::ParameterValue, 'Certificate authority: root and intermediate CA, broker and client certificates, CSRs')
            [CompletionResult]::new('psk', 'psk', [CompletionResultType]::ParameterValue, 'TLS pre-shared keys: per-device batches, rotation, revocation, linting')
            [CompletionResult]::new('inspect', 'inspect', [CompletionResultType]::ParameterValue, 'Show certificates (files, bundles, directories) with their expiry and status')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Verify certificate chains like `openssl verify`: signatures, validity, CA flags, purpose, revocation')
            [CompletionResult]::new('fleet', 'fleet', [CompletionResultType]::ParameterValue, 'Fleet manifests: plan and apply every credential and broker file from one YAML file')
            [CompletionResult]::new('acl', 'acl', [CompletionResultType]::ParameterValue, 'Render the fleet''s ACL (Mosquitto acl_file, dynamic-security JSON, EMQX acl.conf)')
            [CompletionResult]::new('broker', 'broker', [CompletionResultType]::ParameterValue, 'Render complete broker configurations (Mosquitto, EMQX) for the fleet')
            [CompletionResult]::new('enroll', 'enroll', [CompletionResultType]::ParameterValue, 'Enrollment over MQTT: devices trade a CSR for a certificate, and renew in the field')
            [CompletionResult]::new('audit', 'audit', [CompletionResultType]::ParameterValue, 'Find the classic mistakes in an existing Mosquitto deployment (ACLs, PSKs, certificates, CRLs, listeners)')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Hand devices their credentials: directories, PEM, DER, PKCS#12, C headers, JSON, env, and factory streams, with the broker''s address and pin')
            [CompletionResult]::new('storm', 'storm', [CompletionResultType]::ParameterValue, 'Measure what a reconnect storm costs the broker, with the fleet''s own credentials (PSK vs certificates side by side with --compare)')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print the shell completion script for bash, zsh, fish, elvish or powershell')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Write one man page per command into DIR')
            [CompletionResult]::new('generate', 'generate', [CompletionResultType]::ParameterValue, 'Write the man pages or shell completions (how `man/` and `completions/` are made)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'mqauth;pki' {
            [CompletionResult]::new('--pki', '--pki', [CompletionResultType]::ParameterName, 'PKI directory')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'PKI directory')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'File whose first line is the CA keys'' passphrase: encrypts them at `pki init`, unlocks them when signing (a pipe such as <(pass show ca) works)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output; NO_COLOR in the environment means never')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file''s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no summary on stderr (errors and warnings are still printed)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no summary on stderr (errors and warnings are still printed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Create a root CA and an intermediate issuing CA')
            [CompletionResult]::new('broker', 'broker', [CompletionResultType]::ParameterValue, 'Issue a broker (server) certificate with subject alternative names')
            [CompletionResult]::new('client', 'client', [CompletionResultType]::ParameterValue, 'Issue client certificates, one key per device (CN = device ID)')
            [CompletionResult]::new('sign', 'sign', [CompletionResultType]::ParameterValue, 'Sign a certificate signing request whose key was made elsewhere (a secure element)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the certificates the PKI issued')
            [CompletionResult]::new('revoke', 'revoke', [CompletionResultType]::ParameterValue, 'Revoke a certificate and publish a new CRL')
            [CompletionResult]::new('crl', 'crl', [CompletionResultType]::ParameterValue, 'Re-sign the certificate revocation list (crl.pem, or ca.crl.pem with --ca root)')
            [CompletionResult]::new('renew', 'renew', [CompletionResultType]::ParameterValue, 'Re-issue certificates that expire soon (or the named ones), keeping their keys')
            [CompletionResult]::new('pin', 'pin', [CompletionResultType]::ParameterValue, 'Print a broker''s public-key pin (SHA-256 of its SubjectPublicKeyInfo)')
            [CompletionResult]::new('hsm', 'hsm', [CompletionResultType]::ParameterValue, 'CA keys in a PKCS#11 token: move a file key into one (docs/hsm.md)')
            [CompletionResult]::new('migrate', 'migrate', [CompletionResultType]::ParameterValue, 'Move the records from pki.db into an empty PostgreSQL database')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'mqauth;pki;init' {
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'Common Name of the root CA (the intermediate gets "<NAME> Intermediate"); printable text, at most 64 characters with the suffix')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Key type of the CAs, and the default for keys issued later')
            [CompletionResult]::new('--lifetime', '--lifetime', [CompletionResultType]::ParameterName, 'Lifetime of the root CA (e.g. 3650d, 10y)')
            [CompletionResult]::new('--days', '--days', [CompletionResultType]::ParameterName, 'Lifetime of the root CA (e.g. 3650d, 10y)')
            [CompletionResult]::new('--intermediate-lifetime', '--intermediate-lifetime', [CompletionResultType]::ParameterName, 'Lifetime of the intermediate CA')
            [CompletionResult]::new('--intermediate-days', '--intermediate-days', [CompletionResultType]::ParameterName, 'Lifetime of the intermediate CA')
            [CompletionResult]::new('--hsm', '--hsm', [CompletionResultType]::ParameterName, 'Keep the root CA''s key in a PKCS#11 token (RFC 7512 URI naming token and object, e.g. ''pkcs11:token=fleet;object=root''): the key is generated there, or used if the token already holds it; no CA key file is written (docs/hsm.md)')
            [CompletionResult]::new('--intermediate-hsm', '--intermediate-hsm', [CompletionResultType]::ParameterName, 'The intermediate''s key in a token [default: the --hsm URI with object <object>-issuing]')
            [CompletionResult]::new('--pkcs11-module', '--pkcs11-module', [CompletionResultType]::ParameterName, 'The PKCS#11 module (shared library) that reaches the token; recorded for later commands (unused without --hsm)')
            [CompletionResult]::new('--pin-file', '--pin-file', [CompletionResultType]::ParameterName, 'File whose first line is the token''s user PIN (or pin-source in the URI); later commands read MQAUTH_PKCS11_PIN_FILE (unused without --hsm)')
            [CompletionResult]::new('--records', '--records', [CompletionResultType]::ParameterName, 'Keep the records in this PostgreSQL database (postgres://USER@HOST[:PORT]/DB, no password in it) instead of pki.db; the directory names it in records.url')
            [CompletionResult]::new('--records-password-file', '--records-password-file', [CompletionResultType]::ParameterName, 'File holding the database''s password (kept as private/records.password); without it PGPASSFILE or ~/.pgpass is read')
            [CompletionResult]::new('--pki', '--pki', [CompletionResultType]::ParameterName, 'PKI directory')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'PKI directory')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'File whose first line is the CA keys'' passphrase: encrypts them at `pki init`, unlocks them when signing (a pipe such as <(pass show ca) works)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output; NO_COLOR in the environment means never')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file''s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h')
            [CompletionResult]::new('--no-intermediate', '--no-intermediate', [CompletionResultType]::ParameterName, 'Issue leaves directly from the root (no intermediate CA)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no summary on stderr (errors and warnings are still printed)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no summary on stderr (errors and warnings are still printed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mqauth;pki;broker' {
            [CompletionResult]::new('--dns', '--dns', [CompletionResultType]::ParameterName, 'DNS name clients use to reach the broker (repeatable)')
            [CompletionResult]::new('--ip', '--ip', [CompletionResultType]::ParameterName, 'IP address clients use to reach the broker (repeatable)')
            [CompletionResult]::new('--lifetime', '--lifetime', [CompletionResultType]::ParameterName, 'Lifetime of the certificate (e.g. 825d, 2y)')
            [CompletionResult]::new('--days', '--days', [CompletionResultType]::ParameterName, 'Lifetime of the certificate (e.g. 825d, 2y)')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Key type for new keys [default: the PKI''s key type]')
            [CompletionResult]::new('--group', '--group', [CompletionResultType]::ParameterName, 'Make the broker''s key or PSK file readable by this group (mode 0640; the directories to it passable, not listable), so that a broker running as its own user (mosquitto) can read it; device and CA keys stay private')
            [CompletionResult]::new('--stack', '--stack', [CompletionResultType]::ParameterName, 'The devices'' TLS stack: warn when the credentials will not work on it')
            [CompletionResult]::new('--clock', '--clock', [CompletionResultType]::ParameterName, 'Whether the devices keep time; `none` checks that certificates outlive --service-life')
            [CompletionResult]::new('--service-life', '--service-life', [CompletionResultType]::ParameterName, 'How long a device without a clock must work on one certificate')
            [CompletionResult]::new('--pki', '--pki', [CompletionResultType]::ParameterName, 'PKI directory')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'PKI directory')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'File whose first line is the CA keys'' passphrase: encrypts them at `pki init`, unlocks them when signing (a pipe such as <(pass show ca) works)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output; NO_COLOR in the environment means never')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file''s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Replace existing files and supersede a certificate already in force for the name')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'Refuse, instead of warning, when the credentials will not work on --stack or --clock')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no summary on stderr (errors and warnings are still printed)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no summary on stderr (errors and warnings are still printed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mqauth;pki;client' {
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'Make a numbered batch of N (1 to 1,000,000) named by --template')
            [CompletionResult]::new('--template', '--template', [CompletionResultType]::ParameterName, 'Name template for --count: {n:04} is the number zero-padded to 4 digits, {n:01} the number unpadded')
            [CompletionResult]::new('--start', '--start', [CompletionResultType]::ParameterName, 'First number of the batch')
            [CompletionResult]::new('--lifetime', '--lifetime', [CompletionResultType]::ParameterName, 'Lifetime of the certificates (e.g. 90d, 12h, 2y)')
            [CompletionResult]::new('--days', '--days', [CompletionResultType]::ParameterName, 'Lifetime of the certificates (e.g. 90d, 12h, 2y)')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Key type for new keys [default: the PKI''s key type]')
            [CompletionResult]::new('--stack', '--stack', [CompletionResultType]::ParameterName, 'The devices'' TLS stack: warn when the credentials will not work on it')
            [CompletionResult]::new('--clock', '--clock', [CompletionResultType]::ParameterName, 'Whether the devices keep time; `none` checks that certificates outlive --service-life')
            [CompletionResult]::new('--service-life', '--service-life', [CompletionResultType]::ParameterName, 'How long a device without a clock must work on one certificate')
            [CompletionResult]::new('--pki', '--pki', [CompletionResultType]::ParameterName, 'PKI directory')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'PKI directory')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'File whose first line is the CA keys'' passphrase: encrypts them at `pki init`, unlocks them when signing (a pipe such as <(pass show ca) works)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output; NO_COLOR in the environment means never')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file''s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Replace existing files and supersede a certificate already in force for the name')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'Refuse, instead of warning, when the credentials will not work on --stack or --clock')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no summary on stderr (errors and warnings are still printed)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no summary on stderr (errors and warnings are still printed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mqauth;pki;sign' {
            [CompletionResult]::new('--csr', '--csr', [CompletionResultType]::ParameterName, 'The certificate signing request (PEM or DER)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Certificate profile to issue')
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'Name (CN and file name) [default: the CSR''s CN]')
            [CompletionResult]::new('--lifetime', '--lifetime', [CompletionResultType]::ParameterName, 'Lifetime [default: 365d for clients, 825d for brokers]')
            [CompletionResult]::new('--days', '--days', [CompletionResultType]::ParameterName, 'Lifetime [default: 365d for clients, 825d for brokers]')
            [CompletionResult]::new('--dns', '--dns', [CompletionResultType]::ParameterName, 'Extra DNS name for a broker certificate (repeatable)')
            [CompletionResult]::new('--ip', '--ip', [CompletionResultType]::ParameterName, 'Extra IP address for a broker certificate (repeatable)')
            [CompletionResult]::new('--pki', '--pki', [CompletionResultType]::ParameterName, 'PKI directory')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'PKI directory')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'File whose first line is the CA keys'' passphrase: encrypts them at `pki init`, unlocks them when signing (a pipe such as <(pass show ca) works)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output; NO_COLOR in the environment means never')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file''s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Replace an existing certificate file and supersede the one in force')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no summary on stderr (errors and warnings are still printed)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no summary on stderr (errors and warnings are still printed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mqauth;pki;list' {
            [CompletionResult]::new('--expiring', '--expiring', [CompletionResultType]::ParameterName, 'Only certificates in force that expire within this window (e.g. 30d)')
            [CompletionResult]::new('--status', '--status', [CompletionResultType]::ParameterName, 'Only certificates with this status')
            [CompletionResult]::new('--pki', '--pki', [CompletionResultType]::ParameterName, 'PKI directory')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'PKI directory')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'File whose first line is the CA keys'' passphrase: encrypts them at `pki init`, unlocks them when signing (a pipe such as <(pass show ca) works)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output; NO_COLOR in the environment means never')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file''s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON instead of a table')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no summary on stderr (errors and warnings are still printed)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no summary on stderr (errors and warnings are still printed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mqauth;pki;revoke' {
            [CompletionResult]::new('--serial', '--serial', [CompletionResultType]::ParameterName, 'Revoke exactly the certificate with this serial (hex, colons allowed)')
            [CompletionResult]::new('--reason', '--reason', [CompletionResultType]::ParameterName, 'Why, as recorded in the CRL')
            [CompletionResult]::new('--crl-lifetime', '--crl-lifetime', [CompletionResultType]::ParameterName, 'Lifetime of the CRL published with the revocation (its nextUpdate)')
            [CompletionResult]::new('--crl-days', '--crl-days', [CompletionResultType]::ParameterName, 'Lifetime of the CRL published with the revocation (its nextUpdate)')
            [CompletionResult]::new('--pki', '--pki', [CompletionResultType]::ParameterName, 'PKI directory')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'PKI directory')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'File whose first line is the CA keys'' passphrase: encrypts them at `pki init`, unlocks them when signing (a pipe such as <(pass show ca) works)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output; NO_COLOR in the environment means never')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file''s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no summary on stderr (errors and warnings are still printed)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no summary on stderr (errors and warnings are still printed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mqauth;pki;crl' {
            [CompletionResult]::new('--lifetime', '--lifetime', [CompletionResultType]::ParameterName, 'Lifetime of the CRL (its nextUpdate); re-sign before it passes, or brokers that check the CRL refuse every client')
            [CompletionResult]::new('--days', '--days', [CompletionResultType]::ParameterName, 'Lifetime of the CRL (its nextUpdate); re-sign before it passes, or brokers that check the CRL refuse every client')
            [CompletionResult]::new('--ca', '--ca', [CompletionResultType]::ParameterName, 'Which CA signs')
            [CompletionResult]::new('--refresh-before', '--refresh-before', [CompletionResultType]::ParameterName, 'Sign only when the CRL''s next update is closer than this (or it is missing): for a timer')
            [CompletionResult]::new('--pki', '--pki', [CompletionResultType]::ParameterName, 'PKI directory')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'PKI directory')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'File whose first line is the CA keys'' passphrase: encrypts them at `pki init`, unlocks them when signing (a pipe such as <(pass show ca) works)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output; NO_COLOR in the environment means never')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file''s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no summary on stderr (errors and warnings are still printed)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no summary on stderr (errors and warnings are still printed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mqauth;pki;renew' {
            [CompletionResult]::new('--within', '--within', [CompletionResultType]::ParameterName, 'Renew every certificate that expires within this window (the default: 30d)')
            [CompletionResult]::new('--lifetime', '--lifetime', [CompletionResultType]::ParameterName, 'Lifetime of the new certificates [default: the same as the old ones]')
            [CompletionResult]::new('--days', '--days', [CompletionResultType]::ParameterName, 'Lifetime of the new certificates [default: the same as the old ones]')
            [CompletionResult]::new('--pki', '--pki', [CompletionResultType]::ParameterName, 'PKI directory')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'PKI directory')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'File whose first line is the CA keys'' passphrase: encrypts them at `pki init`, unlocks them when signing (a pipe such as <(pass show ca) works)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output; NO_COLOR in the environment means never')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file''s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h')
            [CompletionResult]::new('--rekey', '--rekey', [CompletionResultType]::ParameterName, 'Generate new keys instead of certifying the existing ones again')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show what would be renewed, and why the others would not be; change nothing')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no summary on stderr (errors and warnings are still printed)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no summary on stderr (errors and warnings are still printed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mqauth;pki;pin' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'How to write the pin')
            [CompletionResult]::new('--pki', '--pki', [CompletionResultType]::ParameterName, 'PKI directory')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'PKI directory')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'File whose first line is the CA keys'' passphrase: encrypts them at `pki init`, unlocks them when signing (a pipe such as <(pass show ca) works)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output; NO_COLOR in the environment means never')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file''s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no summary on stderr (errors and warnings are still printed)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no summary on stderr (errors and warnings are still printed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mqauth;pki;hsm' {
            [CompletionResult]::new('--pki', '--pki', [CompletionResultType]::ParameterName, 'PKI directory')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'PKI directory')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'File whose first line is the CA keys'' passphrase: encrypts them at `pki init`, unlocks them when signing (a pipe such as <(pass show ca) works)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output; NO_COLOR in the environment means never')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file''s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no summary on stderr (errors and warnings are still printed)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no summary on stderr (errors and warnings are still printed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Move a CA key from its file into a token; the file is removed once a test signature through the token verifies')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'mqauth;pki;hsm;import' {
            [CompletionResult]::new('--ca', '--ca', [CompletionResultType]::ParameterName, 'Which CA''s key')
            [CompletionResult]::new('--hsm', '--hsm', [CompletionResultType]::ParameterName, 'Where to put the key: an RFC 7512 URI naming the token and a new object')
            [CompletionResult]::new('--pkcs11-module', '--pkcs11-module', [CompletionResultType]::ParameterName, 'The PKCS#11 module (shared library) that reaches the token; recorded for later commands')
            [CompletionResult]::new('--pin-file', '--pin-file', [CompletionResultType]::ParameterName, 'File whose first line is the token''s user PIN (or pin-source in the URI)')
            [CompletionResult]::new('--pki', '--pki', [CompletionResultType]::ParameterName, 'PKI directory')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'PKI directory')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'File whose first line is the CA keys'' passphrase: encrypts them at `pki init`, unlocks them when signing (a pipe such as <(pass show ca) works)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output; NO_COLOR in the environment means never')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file''s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no summary on stderr (errors and warnings are still printed)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no summary on stderr (errors and warnings are still printed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mqauth;pki;hsm;help' {
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Move a CA key from its file into a token; the file is removed once a test signature through the token verifies')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'mqauth;pki;hsm;help;import' {
            break
        }
        'mqauth;pki;hsm;help;help' {
            break
        }
        'mqauth;pki;migrate' {
            [CompletionResult]::new('--records', '--records', [CompletionResultType]::ParameterName, 'The empty PostgreSQL database to move the records into (postgres://USER@HOST[:PORT]/DB, no password in it)')
            [CompletionResult]::new('--records-password-file', '--records-password-file', [CompletionResultType]::ParameterName, 'File holding the database''s password (kept as private/records.password); without it PGPASSFILE or ~/.pgpass is read')
            [CompletionResult]::new('--pki', '--pki', [CompletionResultType]::ParameterName, 'PKI directory')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'PKI directory')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'File whose first line is the CA keys'' passphrase: encrypts them at `pki init`, unlocks them when signing (a pipe such as <(pass show ca) works)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output; NO_COLOR in the environment means never')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file''s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no summary on stderr (errors and warnings are still printed)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no summary on stderr (errors and warnings are still printed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mqauth;pki;help' {
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Create a root CA and an intermediate issuing CA')
            [CompletionResult]::new('broker', 'broker', [CompletionResultType]::ParameterValue, 'Issue a broker (server) certificate with subject alternative names')
            [CompletionResult]::new('client', 'client', [CompletionResultType]::ParameterValue, 'Issue client certificates, one key per device (CN = device ID)')
            [CompletionResult]::new('sign', 'sign', [CompletionResultType]::ParameterValue, 'Sign a certificate signing request whose key was made elsewhere (a secure element)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the certificates the PKI issued')
            [CompletionResult]::new('revoke', 'revoke', [CompletionResultType]::ParameterValue, 'Revoke a certificate and publish a new CRL')
            [CompletionResult]::new('crl', 'crl', [CompletionResultType]::ParameterValue, 'Re-sign the certificate revocation list (crl.pem, or ca.crl.pem with --ca root)')
            [CompletionResult]::new('renew', 'renew', [CompletionResultType]::ParameterValue, 'Re-issue certificates that expire soon (or the named ones), keeping their keys')
            [CompletionResult]::new('pin', 'pin', [CompletionResultType]::ParameterValue, 'Print a broker''s public-key pin (SHA-256 of its SubjectPublicKeyInfo)')
            [CompletionResult]::new('hsm', 'hsm', [CompletionResultType]::ParameterValue, 'CA keys in a PKCS#11 token: move a file key into one (docs/hsm.md)')
            [CompletionResult]::new('migrate', 'migrate', [CompletionResultType]::ParameterValue, 'Move the records from pki.db into an empty PostgreSQL database')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'mqauth;pki;help;init' {
            break
        }
        'mqauth;pki;help;broker' {
            break
        }
        'mqauth;pki;help;client' {
            break
        }
        'mqauth;pki;help;sign' {
            break
        }
        'mqauth;pki;help;list' {
            break
        }
        'mqauth;pki;help;revoke' {
            break
        }
        'mqauth;pki;help;crl' {
            break
        }
        'mqauth;pki;help;renew' {
            break
        }
        'mqauth;pki;help;pin' {
            break
        }
        'mqauth;pki;help;hsm' {
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Move a CA key from its file into a token; the file is removed once a test signature through the token verifies')
            break
        }
        'mqauth;pki;help;hsm;import' {
            break
        }
        'mqauth;pki;help;migrate' {
            break
        }
        'mqauth;pki;help;help' {
            break
        }
        'mqauth;psk' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output; NO_COLOR in the environment means never')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file''s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no summary on stderr (errors and warnings are still printed)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no summary on stderr (errors and warnings are still printed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('gen', 'gen', [CompletionResultType]::ParameterValue, 'Generate identities with their own random keys (Mosquitto psk_file, CSV or JSON)')
            [CompletionResult]::new('rotate', 'rotate', [CompletionResultType]::ParameterValue, 'Give identities fresh keys in an existing PSK file')
            [CompletionResult]::new('revoke', 'revoke', [CompletionResultType]::ParameterValue, 'Remove identities from a PSK file')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Lint PSK files: malformed lines, bad hex, short or weak keys, duplicates, shared keys, loose permissions')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'mqauth;psk;gen' {
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'Make a numbered batch of N (1 to 1,000,000) named by --template')
            [CompletionResult]::new('--template', '--template', [CompletionResultType]::ParameterName, 'Name template for --count: {n:04} is the number zero-padded to 4 digits, {n:01} the number unpadded')
            [CompletionResult]::new('--start', '--start', [CompletionResultType]::ParameterName, 'First number of the batch')
            [CompletionResult]::new('--bytes', '--bytes', [CompletionResultType]::ParameterName, 'Key size in bytes (16 to 64)')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Write to FILE (mode 0600, atomically) instead of standard output')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--group', '--group', [CompletionResultType]::ParameterName, 'Make the broker''s key or PSK file readable by this group (mode 0640; the directories to it passable, not listable), so that a broker running as its own user (mosquitto) can read it; device and CA keys stay private')
            [CompletionResult]::new('--stack', '--stack', [CompletionResultType]::ParameterName, 'The devices'' TLS stack: warn when the credentials will not work on it')
            [CompletionResult]::new('--clock', '--clock', [CompletionResultType]::ParameterName, 'Whether the devices keep time; `none` checks that certificates outlive --service-life')
            [CompletionResult]::new('--service-life', '--service-life', [CompletionResultType]::ParameterName, 'How long a device without a clock must work on one certificate')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output; NO_COLOR in the environment means never')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file''s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h')
            [CompletionResult]::new('--append', '--append', [CompletionResultType]::ParameterName, 'Add to an existing Mosquitto-format FILE, refusing identities already in it')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Replace FILE if it exists')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'Refuse, instead of warning, when the credentials will not work on --stack or --clock')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no summary on stderr (errors and warnings are still printed)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no summary on stderr (errors and warnings are still printed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mqauth;psk;rotate' {
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'The PSK file (Mosquitto format)')
            [CompletionResult]::new('--bytes', '--bytes', [CompletionResultType]::ParameterName, 'New key size in bytes [default: each key keeps its size]')
            [CompletionResult]::new('--changed-out', '--changed-out', [CompletionResultType]::ParameterName, 'Also write the rotated entries to FILE (0600), to push to the devices; `-` for stdout')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output; NO_COLOR in the environment means never')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file''s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Rotate every identity in the file')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Replace the --changed-out file if it exists')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no summary on stderr (errors and warnings are still printed)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no summary on stderr (errors and warnings are still printed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mqauth;psk;revoke' {
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'The PSK file (Mosquitto format)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output; NO_COLOR in the environment means never')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file''s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no summary on stderr (errors and warnings are still printed)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no summary on stderr (errors and warnings are still printed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mqauth;psk;check' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output; NO_COLOR in the environment means never')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file''s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON instead of text')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no summary on stderr (errors and warnings are still printed)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no summary on stderr (errors and warnings are still printed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mqauth;psk;help' {
            [CompletionResult]::new('gen', 'gen', [CompletionResultType]::ParameterValue, 'Generate identities with their own random keys (Mosquitto psk_file, CSV or JSON)')
            [CompletionResult]::new('rotate', 'rotate', [CompletionResultType]::ParameterValue, 'Give identities fresh keys in an existing PSK file')
            [CompletionResult]::new('revoke', 'revoke', [CompletionResultType]::ParameterValue, 'Remove identities from a PSK file')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Lint PSK files: malformed lines, bad hex, short or weak keys, duplicates, shared keys, loose permissions')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'mqauth;psk;help;gen' {
            break
        }
        'mqauth;psk;help;rotate' {
            break
        }
        'mqauth;psk;help;revoke' {
            break
        }
        'mqauth;psk;help;check' {
            break
        }
        'mqauth;psk;help;help' {
            break
        }
        'mqauth;inspect' {
            [CompletionResult]::new('--pki', '--pki', [CompletionResultType]::ParameterName, 'Audit a PKI directory: the certificates in force, checked against its index and keys')
            [CompletionResult]::new('--warn-days', '--warn-days', [CompletionResultType]::ParameterName, 'Certificates expiring within this many days are reported as expiring (exit 3)')
            [CompletionResult]::new('--crl', '--crl', [CompletionResultType]::ParameterName, 'Mark certificates listed in this CRL as revoked (repeatable)')
            [CompletionResult]::new('--sort', '--sort', [CompletionResultType]::ParameterName, 'Order of the rows')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'A host name devices dial: every server certificate (EKU serverAuth, or none) must be valid for it, as a TLS client checks (a mismatch otherwise). Repeatable')
            [CompletionResult]::new('--ip', '--ip', [CompletionResultType]::ParameterName, 'An IP address devices dial: every server certificate must carry it as a SAN. Repeatable')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output; NO_COLOR in the environment means never')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file''s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON instead of a table')
            [CompletionResult]::new('--long', '--long', [CompletionResultType]::ParameterName, 'Show every certificate in detail instead of a table')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no summary on stderr (errors and warnings are still printed)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no summary on stderr (errors and warnings are still printed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mqauth;verify' {
            [CompletionResult]::new('--ca', '--ca', [CompletionResultType]::ParameterName, 'Trusted root certificate(s)')
            [CompletionResult]::new('--pki', '--pki', [CompletionResultType]::ParameterName, 'Take the trust anchor, intermediate and CRLs from this PKI directory (ca.crt, intermediate.crt, crl.pem, ca.crl.pem)')
            [CompletionResult]::new('--untrusted', '--untrusted', [CompletionResultType]::ParameterName, 'Intermediate certificates that may complete the chain (repeatable)')
            [CompletionResult]::new('--purpose', '--purpose', [CompletionResultType]::ParameterName, 'Check the extended key usage for this purpose')
            [CompletionResult]::new('--crl', '--crl', [CompletionResultType]::ParameterName, 'Check revocation with this CRL (repeatable); the certificate''s issuer must have one')
            [CompletionResult]::new('--at', '--at', [CompletionResultType]::ParameterName, 'Verify at this time instead of now: a date (2028-01-01, midnight UTC) or an RFC 3339 time (2028-01-01T12:00:00Z)')
            [CompletionResult]::new('--max-depth', '--max-depth', [CompletionResultType]::ParameterName, 'Most intermediate CAs allowed between a certificate and its trust anchor, as `openssl verify -verify_depth`')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'A host name TLS clients dial: the certificate must be valid for it (SAN dNSName, a left-most wildcard at most; the CN only without SANs). Repeatable')
            [CompletionResult]::new('--ip', '--ip', [CompletionResultType]::ParameterName, 'An IP address TLS clients dial: a SAN iPAddress must equal it. Repeatable')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output; NO_COLOR in the environment means never')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file''s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'Also apply RFC 5280''s rules for conforming CAs, as `openssl verify -x509_strict`: CA basicConstraints critical, key identifiers present, no keyCertSign on a leaf, a critical SAN when the subject is empty, no explicit curve parameters, a valid serial')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON instead of one line per certificate')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no summary on stderr (errors and warnings are still printed)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no summary on stderr (errors and warnings are still printed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mqauth;fleet' {
            [CompletionResult]::new('-m', '-m', [CompletionResultType]::ParameterName, 'Fleet manifest (YAML)')
            [CompletionResult]::new('--manifest', '--manifest', [CompletionResultType]::ParameterName, 'Fleet manifest (YAML)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output; NO_COLOR in the environment means never')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file''s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h')
            [CompletionResult]::new('--example', '--example', [CompletionResultType]::ParameterName, 'Use the example manifest built into mqauth (the one `fleet init` writes)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no summary on stderr (errors and warnings are still printed)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no summary on stderr (errors and warnings are still printed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Write a commented example manifest to start from')
            [CompletionResult]::new('plan', 'plan', [CompletionResultType]::ParameterValue, 'Show what apply would create, change or remove; writes nothing')
            [CompletionResult]::new('apply', 'apply', [CompletionResultType]::ParameterValue, 'Create the PKI, certificates, PSKs, ACLs and broker configs the manifest asks for')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'mqauth;fleet;init' {
            [CompletionResult]::new('-m', '-m', [CompletionResultType]::ParameterName, 'Fleet manifest (YAML)')
            [CompletionResult]::new('--manifest', '--manifest', [CompletionResultType]::ParameterName, 'Fleet manifest (YAML)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output; NO_COLOR in the environment means never')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file''s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Replace the manifest file if it exists')
            [CompletionResult]::new('--example', '--example', [CompletionResultType]::ParameterName, 'Use the example manifest built into mqauth (the one `fleet init` writes)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no summary on stderr (errors and warnings are still printed)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no summary on stderr (errors and warnings are still printed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mqauth;fleet;plan' {
            [CompletionResult]::new('--fleet-dir', '--fleet-dir', [CompletionResultType]::ParameterName, 'Fleet directory: where the PKI, PSKs and broker files live [default: the manifest''s directory]')
            [CompletionResult]::new('--target', '--target', [CompletionResultType]::ParameterName, 'Broker software of brokers whose manifest entry has no `kind:` (kept for older manifests; `kind:` in the manifest is the way to choose, and the only way to RabbitMQ)')
            [CompletionResult]::new('--mosquitto-version', '--mosquitto-version', [CompletionResultType]::ParameterName, 'Mosquitto release of Mosquitto brokers whose manifest entry has no `mosquitto:`')
            [CompletionResult]::new('--templates', '--templates', [CompletionResultType]::ParameterName, 'Directory of templates that replace the built-in ones (mosquitto.conf.j2, emqx.conf.j2, rabbitmq.conf.j2, rabbitmq-advanced.config.j2)')
            [CompletionResult]::new('--path-base', '--path-base', [CompletionResultType]::ParameterName, 'Write paths in broker configs under this directory (where the fleet directory will be deployed) instead of absolute paths of this machine')
            [CompletionResult]::new('-m', '-m', [CompletionResultType]::ParameterName, 'Fleet manifest (YAML)')
            [CompletionResult]::new('--manifest', '--manifest', [CompletionResultType]::ParameterName, 'Fleet manifest (YAML)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output; NO_COLOR in the environment means never')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file''s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h')
            [CompletionResult]::new('--prune', '--prune', [CompletionResultType]::ParameterName, 'Plan revoking and removing the credentials of devices no longer in the manifest')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON instead of a table')
            [CompletionResult]::new('--exit-code', '--exit-code', [CompletionResultType]::ParameterName, 'Exit with 5 when changes are pending (0 when there are none)')
            [CompletionResult]::new('--detailed-exitcode', '--detailed-exitcode', [CompletionResultType]::ParameterName, 'Exit with 5 when changes are pending (0 when there are none)')
            [CompletionResult]::new('--example', '--example', [CompletionResultType]::ParameterName, 'Use the example manifest built into mqauth (the one `fleet init` writes)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no summary on stderr (errors and warnings are still printed)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no summary on stderr (errors and warnings are still printed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mqauth;fleet;apply' {
            [CompletionResult]::new('--fleet-dir', '--fleet-dir', [CompletionResultType]::ParameterName, 'Fleet directory: where the PKI, PSKs and broker files live [default: the manifest''s directory]')
            [CompletionResult]::new('--group', '--group', [CompletionResultType]::ParameterName, 'Make the broker''s key or PSK file readable by this group (mode 0640; the directories to it passable, not listable), so that a broker running as its own user (mosquitto) can read it; device and CA keys stay private')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'File whose first line is the CA keys'' passphrase: encrypts them at `pki init`, unlocks them when signing (a pipe such as <(pass show ca) works)')
            [CompletionResult]::new('--target', '--target', [CompletionResultType]::ParameterName, 'Broker software of brokers whose manifest entry has no `kind:` (kept for older manifests; `kind:` in the manifest is the way to choose, and the only way to RabbitMQ)')
            [CompletionResult]::new('--mosquitto-version', '--mosquitto-version', [CompletionResultType]::ParameterName, 'Mosquitto release of Mosquitto brokers whose manifest entry has no `mosquitto:`')
            [CompletionResult]::new('--templates', '--templates', [CompletionResultType]::ParameterName, 'Directory of templates that replace the built-in ones (mosquitto.conf.j2, emqx.conf.j2, rabbitmq.conf.j2, rabbitmq-advanced.config.j2)')
            [CompletionResult]::new('--path-base', '--path-base', [CompletionResultType]::ParameterName, 'Write paths in broker configs under this directory (where the fleet directory will be deployed) instead of absolute paths of this machine')
            [CompletionResult]::new('-m', '-m', [CompletionResultType]::ParameterName, 'Fleet manifest (YAML)')
            [CompletionResult]::new('--manifest', '--manifest', [CompletionResultType]::ParameterName, 'Fleet manifest (YAML)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output; NO_COLOR in the environment means never')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file''s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h')
            [CompletionResult]::new('--prune', '--prune', [CompletionResultType]::ParameterName, 'Revoke the certificates and remove the PSKs of devices no longer in the manifest')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the steps taken as JSON (as `plan --json` does) instead of a table')
            [CompletionResult]::new('--example', '--example', [CompletionResultType]::ParameterName, 'Use the example manifest built into mqauth (the one `fleet init` writes)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no summary on stderr (errors and warnings are still printed)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no summary on stderr (errors and warnings are still printed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mqauth;fleet;help' {
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Write a commented example manifest to start from')
            [CompletionResult]::new('plan', 'plan', [CompletionResultType]::ParameterValue, 'Show what apply would create, change or remove; writes nothing')
            [CompletionResult]::new('apply', 'apply', [CompletionResultType]::ParameterValue, 'Create the PKI, certificates, PSKs, ACLs and broker configs the manifest asks for')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'mqauth;fleet;help;init' {
            break
        }
        'mqauth;fleet;help;plan' {
            break
        }
        'mqauth;fleet;help;apply' {
            break
        }
        'mqauth;fleet;help;help' {
            break
        }
        'mqauth;acl' {
            [CompletionResult]::new('-m', '-m', [CompletionResultType]::ParameterName, 'Fleet manifest (YAML)')
            [CompletionResult]::new('--manifest', '--manifest', [CompletionResultType]::ParameterName, 'Fleet manifest (YAML)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output; NO_COLOR in the environment means never')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file''s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h')
            [CompletionResult]::new('--example', '--example', [CompletionResultType]::ParameterName, 'Use the example manifest built into mqauth (the one `fleet init` writes)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no summary on stderr (errors and warnings are still printed)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no summary on stderr (errors and warnings are still printed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('render', 'render', [CompletionResultType]::ParameterValue, 'Render the fleet''s authorization rules (least privilege, from the manifest)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'mqauth;acl;render' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Write to FILE (atomically) instead of standard output')
            [CompletionResult]::new('--fleet-dir', '--fleet-dir', [CompletionResultType]::ParameterName, 'Fleet directory, to deny identities that can still authenticate but left the manifest [default: the manifest''s directory]')
            [CompletionResult]::new('-m', '-m', [CompletionResultType]::ParameterName, 'Fleet manifest (YAML)')
            [CompletionResult]::new('--manifest', '--manifest', [CompletionResultType]::ParameterName, 'Fleet manifest (YAML)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output; NO_COLOR in the environment means never')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file''s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Replace FILE if it exists')
            [CompletionResult]::new('--example', '--example', [CompletionResultType]::ParameterName, 'Use the example manifest built into mqauth (the one `fleet init` writes)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no summary on stderr (errors and warnings are still printed)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no summary on stderr (errors and warnings are still printed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mqauth;acl;help' {
            [CompletionResult]::new('render', 'render', [CompletionResultType]::ParameterValue, 'Render the fleet''s authorization rules (least privilege, from the manifest)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'mqauth;acl;help;render' {
            break
        }
        'mqauth;acl;help;help' {
            break
        }
        'mqauth;broker' {
            [CompletionResult]::new('-m', '-m', [CompletionResultType]::ParameterName, 'Fleet manifest (YAML) for `broker render` [default: fleet.yaml]')
            [CompletionResult]::new('--manifest', '--manifest', [CompletionResultType]::ParameterName, 'Fleet manifest (YAML) for `broker render` [default: fleet.yaml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output; NO_COLOR in the environment means never')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file''s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h')
            [CompletionResult]::new('--example', '--example', [CompletionResultType]::ParameterName, '`broker render`: use the example manifest built into mqauth')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no summary on stderr (errors and warnings are still printed)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no summary on stderr (errors and warnings are still printed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('render', 'render', [CompletionResultType]::ParameterValue, 'Render complete broker configurations (needs the credentials `fleet apply` made)')
            [CompletionResult]::new('snippet', 'snippet', [CompletionResultType]::ParameterValue, 'Mosquitto listener blocks for a plain PKI (no manifest): mTLS, and PSK with --psk-file')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'mqauth;broker;render' {
            [CompletionResult]::new('-m', '-m', [CompletionResultType]::ParameterName, 'Fleet manifest (YAML)')
            [CompletionResult]::new('--manifest', '--manifest', [CompletionResultType]::ParameterName, 'Fleet manifest (YAML)')
            [CompletionResult]::new('--broker', '--broker', [CompletionResultType]::ParameterName, 'Only this broker [default: all]')
            [CompletionResult]::new('--fleet-dir', '--fleet-dir', [CompletionResultType]::ParameterName, 'Fleet directory: where the PKI, PSKs and broker files live [default: the manifest''s directory]')
            [CompletionResult]::new('--target', '--target', [CompletionResultType]::ParameterName, 'Broker software of brokers whose manifest entry has no `kind:` (kept for older manifests; `kind:` in the manifest is the way to choose, and the only way to RabbitMQ)')
            [CompletionResult]::new('--mosquitto-version', '--mosquitto-version', [CompletionResultType]::ParameterName, 'Mosquitto release of Mosquitto brokers whose manifest entry has no `mosquitto:`')
            [CompletionResult]::new('--templates', '--templates', [CompletionResultType]::ParameterName, 'Directory of templates that replace the built-in ones (mosquitto.conf.j2, emqx.conf.j2, rabbitmq.conf.j2, rabbitmq-advanced.config.j2)')
            [CompletionResult]::new('--path-base', '--path-base', [CompletionResultType]::ParameterName, 'Write paths in broker configs under this directory (where the fleet directory will be deployed) instead of absolute paths of this machine')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output; NO_COLOR in the environment means never')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file''s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h')
            [CompletionResult]::new('--example', '--example', [CompletionResultType]::ParameterName, 'Use the example manifest built into mqauth (the one `fleet init` writes)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no summary on stderr (errors and warnings are still printed)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no summary on stderr (errors and warnings are still printed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mqauth;broker;snippet' {
            [CompletionResult]::new('--pki', '--pki', [CompletionResultType]::ParameterName, 'PKI directory')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'PKI directory')
            [CompletionResult]::new('--broker', '--broker', [CompletionResultType]::ParameterName, 'The broker certificate''s name in the PKI')
            [CompletionResult]::new('--mtls-port', '--mtls-port', [CompletionResultType]::ParameterName, 'Port of the mutual-TLS listener')
            [CompletionResult]::new('--psk-file', '--psk-file', [CompletionResultType]::ParameterName, 'A psk_file (identity:hexkey lines): adds a TLS-PSK listener')
            [CompletionResult]::new('--psk-port', '--psk-port', [CompletionResultType]::ParameterName, 'Port of the PSK listener')
            [CompletionResult]::new('--psk-hint', '--psk-hint', [CompletionResultType]::ParameterName, 'PSK hint the PSK listener sends [default: the broker''s name]')
            [CompletionResult]::new('--listen', '--listen', [CompletionResultType]::ParameterName, 'Bind address of both listeners [default: all interfaces]')
            [CompletionResult]::new('--mosquitto-version', '--mosquitto-version', [CompletionResultType]::ParameterName, 'Mosquitto release the listeners are for')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Write to this file instead of standard output')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output; NO_COLOR in the environment means never')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file''s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Replace --out when it exists')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no summary on stderr (errors and warnings are still printed)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no summary on stderr (errors and warnings are still printed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mqauth;broker;help' {
            [CompletionResult]::new('render', 'render', [CompletionResultType]::ParameterValue, 'Render complete broker configurations (needs the credentials `fleet apply` made)')
            [CompletionResult]::new('snippet', 'snippet', [CompletionResultType]::ParameterValue, 'Mosquitto listener blocks for a plain PKI (no manifest): mTLS, and PSK with --psk-file')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'mqauth;broker;help;render' {
            break
        }
        'mqauth;broker;help;snippet' {
            break
        }
        'mqauth;broker;help;help' {
            break
        }
        'mqauth;enroll' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output; NO_COLOR in the environment means never')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file''s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no summary on stderr (errors and warnings are still printed)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no summary on stderr (errors and warnings are still printed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Answer enrollment and renewal requests (CSRs over MQTT) with the fleet''s PKI')
            [CompletionResult]::new('device', 'device', [CompletionResultType]::ParameterValue, 'The reference device: a new key, its CSR over MQTT (bootstrap PSK or current certificate), the certificate checked and written')
            [CompletionResult]::new('allow', 'allow', [CompletionResultType]::ParameterValue, 'Let devices whose certificate was revoked enroll again (with a new key)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'mqauth;enroll;serve' {
            [CompletionResult]::new('--pki', '--pki', [CompletionResultType]::ParameterName, 'PKI directory')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'PKI directory')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'File whose first line is the CA keys'' passphrase: encrypts them at `pki init`, unlocks them when signing (a pipe such as <(pass show ca) works)')
            [CompletionResult]::new('-m', '-m', [CompletionResultType]::ParameterName, 'Fleet manifest: the settings come from its enroll: section and the fleet directory')
            [CompletionResult]::new('--manifest', '--manifest', [CompletionResultType]::ParameterName, 'Fleet manifest: the settings come from its enroll: section and the fleet directory')
            [CompletionResult]::new('--fleet-dir', '--fleet-dir', [CompletionResultType]::ParameterName, 'The fleet directory (default: the manifest''s directory)')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'The fleet directory (default: the manifest''s directory)')
            [CompletionResult]::new('--broker', '--broker', [CompletionResultType]::ParameterName, 'The broker, HOST:PORT (its mutual-TLS listener); with -m, the enroll.broker''s first name and mtls_port')
            [CompletionResult]::new('--cafile', '--cafile', [CompletionResultType]::ParameterName, 'Trust anchor(s) for the broker''s certificate (PEM); with -m, the fleet''s root CA')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'The service''s own client certificate (PEM; may hold its chain); with -m, the one `fleet apply` issued for enroll.service')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'The service''s private key (unencrypted PKCS#8 PEM)')
            [CompletionResult]::new('--bootstrap-psk-file', '--bootstrap-psk-file', [CompletionResultType]::ParameterName, 'Devices whose identity is in this psk_file may enroll on PREFIX/ID/csr; without it, only renewals are answered')
            [CompletionResult]::new('--bootstrap', '--bootstrap', [CompletionResultType]::ParameterName, '`once`: remove a device''s identity from --bootstrap-psk-file after its first certificate, so that a factory PSK that leaks later enrolls nothing')
            [CompletionResult]::new('--reload-command', '--reload-command', [CompletionResultType]::ParameterName, 'Shell command run after identities were removed, so that the broker re-reads its psk_file (e.g. `systemctl reload mosquitto`; Mosquitto reloads on SIGHUP)')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Topic prefix of the protocol')
            [CompletionResult]::new('--lifetime', '--lifetime', [CompletionResultType]::ParameterName, 'Lifetime of the certificates issued (e.g. 90d, 12h, 2y)')
            [CompletionResult]::new('--days', '--days', [CompletionResultType]::ParameterName, 'Lifetime of the certificates issued (e.g. 90d, 12h, 2y)')
            [CompletionResult]::new('--renew-window', '--renew-window', [CompletionResultType]::ParameterName, 'The last part of a certificate''s lifetime, in percent, in which it may be renewed with the same key (a new key may renew at any time)')
            [CompletionResult]::new('--key-type', '--key-type', [CompletionResultType]::ParameterName, 'Key types certified (repeatable)')
            [CompletionResult]::new('--rate', '--rate', [CompletionResultType]::ParameterName, 'Requests answered per device per minute; more are refused with rate-limited')
            [CompletionResult]::new('--client-id', '--client-id', [CompletionResultType]::ParameterName, 'MQTT client id of the service (its persistent session is kept under it)')
            [CompletionResult]::new('--share-group', '--share-group', [CompletionResultType]::ParameterName, 'Subscribe as a member of this shared subscription group ($share/NAME/…, MQTT 5): the broker gives each request to one of the services in the group. For several services on one PKI whose records are in PostgreSQL (docs/postgres.md); each needs its own --client-id')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'Log lines as text or JSON')
            [CompletionResult]::new('--metrics', '--metrics', [CompletionResultType]::ParameterName, 'Serve GET /metrics (Prometheus) and /healthz over HTTP on ADDR, e.g. 127.0.0.1:9464 (only there; bound before the service connects)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output; NO_COLOR in the environment means never')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file''s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h')
            [CompletionResult]::new('--reenroll', '--reenroll', [CompletionResultType]::ParameterName, 'Let a device that holds a valid certificate enroll again on /csr with a new key (a device reset to factory state) instead of refusing it with already-enrolled')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no summary on stderr (errors and warnings are still printed)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no summary on stderr (errors and warnings are still printed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mqauth;enroll;device' {
            [CompletionResult]::new('--broker', '--broker', [CompletionResultType]::ParameterName, 'The broker, HOST:PORT: its TLS-PSK listener with --psk-file, its mutual-TLS one with --cert/--key')
            [CompletionResult]::new('--psk-file', '--psk-file', [CompletionResultType]::ParameterName, 'Bootstrap PSK: a Mosquitto psk_file holding the line ID:HEXKEY (first certificate)')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'The device''s current certificate (PEM, may hold its chain), to renew over mutual TLS')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'The key of --cert (unencrypted PKCS#8 PEM)')
            [CompletionResult]::new('--cafile', '--cafile', [CompletionResultType]::ParameterName, 'The CA the certificate received must chain to; with --cert, also the broker''s trust anchor')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Topic prefix of the protocol')
            [CompletionResult]::new('--key-type', '--key-type', [CompletionResultType]::ParameterName, 'Type of the new key')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Where ID.crt and ID.key are written')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long the whole exchange may take, connecting included (e.g. 30s, 2m)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output; NO_COLOR in the environment means never')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file''s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h')
            [CompletionResult]::new('--renew', '--renew', [CompletionResultType]::ParameterName, 'Renew (publish on PREFIX/ID/renew); implied by --cert/--key, which it requires')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Overwrite ID.crt and ID.key')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no summary on stderr (errors and warnings are still printed)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no summary on stderr (errors and warnings are still printed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mqauth;enroll;allow' {
            [CompletionResult]::new('--pki', '--pki', [CompletionResultType]::ParameterName, 'PKI directory')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'PKI directory')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output; NO_COLOR in the environment means never')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file''s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h')
            [CompletionResult]::new('--despite-unknown-keys', '--despite-unknown-keys', [CompletionResultType]::ParameterName, 'Allow a device even though the key of one of its revoked certificates is unknown (it was recorded before mqauth kept keys, and its file was replaced since), so that a CSR for that key cannot be refused')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print what was done for each device as JSON')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no summary on stderr (errors and warnings are still printed)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no summary on stderr (errors and warnings are still printed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mqauth;enroll;help' {
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Answer enrollment and renewal requests (CSRs over MQTT) with the fleet''s PKI')
            [CompletionResult]::new('device', 'device', [CompletionResultType]::ParameterValue, 'The reference device: a new key, its CSR over MQTT (bootstrap PSK or current certificate), the certificate checked and written')
            [CompletionResult]::new('allow', 'allow', [CompletionResultType]::ParameterValue, 'Let devices whose certificate was revoked enroll again (with a new key)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'mqauth;enroll;help;serve' {
            break
        }
        'mqauth;enroll;help;device' {
            break
        }
        'mqauth;enroll;help;allow' {
            break
        }
        'mqauth;enroll;help;help' {
            break
        }
        'mqauth;audit' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Mosquitto configuration file (repeatable)')
            [CompletionResult]::new('--min-severity', '--min-severity', [CompletionResultType]::ParameterName, 'Report only findings this severe or more')
            [CompletionResult]::new('--at', '--at', [CompletionResultType]::ParameterName, 'Evaluate every validity check at this moment instead of now (a date, or RFC 3339)')
            [CompletionResult]::new('--warn-days', '--warn-days', [CompletionResultType]::ParameterName, 'Warn about certificates and CRLs that expire within this many days')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'A name devices dial: every broker certificate must hold it (repeatable)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output; NO_COLOR in the environment means never')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file''s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the findings as a JSON array')
            [CompletionResult]::new('--sarif', '--sarif', [CompletionResultType]::ParameterName, 'Print SARIF 2.1.0 (for CI systems that show findings inline)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no summary on stderr (errors and warnings are still printed)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no summary on stderr (errors and warnings are still printed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mqauth;export' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format [default: dir; jsonl with --all]')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Where to write (see below); `-` writes a one-file format to standard output')
            [CompletionResult]::new('-m', '-m', [CompletionResultType]::ParameterName, 'Fleet manifest: the PKI, the PSK store and the brokers come from it')
            [CompletionResult]::new('--manifest', '--manifest', [CompletionResultType]::ParameterName, 'Fleet manifest: the PKI, the PSK store and the brokers come from it')
            [CompletionResult]::new('--fleet-dir', '--fleet-dir', [CompletionResultType]::ParameterName, 'The fleet directory (default: the manifest''s directory)')
            [CompletionResult]::new('--pki', '--pki', [CompletionResultType]::ParameterName, 'PKI directory')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'PKI directory')
            [CompletionResult]::new('--psk-file', '--psk-file', [CompletionResultType]::ParameterName, 'Without -m: the psk_file that holds PSK devices'' keys')
            [CompletionResult]::new('--broker', '--broker', [CompletionResultType]::ParameterName, 'The broker devices connect to: a broker certificate of the PKI, or of the manifest [default: the only one, or the manifest''s first]')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'The name devices dial [default: the broker certificate''s first DNS name, else its first IP address]')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'The port devices dial [default: the manifest''s mtls_port or psk_port; 8883 or 8884]')
            [CompletionResult]::new('--p12-passphrase-file', '--p12-passphrase-file', [CompletionResultType]::ParameterName, 'File whose first line is the PKCS#12 bundle''s passphrase')
            [CompletionResult]::new('--stack', '--stack', [CompletionResultType]::ParameterName, 'The devices'' TLS stack: warn when the credentials will not work on it')
            [CompletionResult]::new('--clock', '--clock', [CompletionResultType]::ParameterName, 'Whether the devices keep time; `none` checks that certificates outlive --service-life')
            [CompletionResult]::new('--service-life', '--service-life', [CompletionResultType]::ParameterName, 'How long a device without a clock must work on one certificate')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output; NO_COLOR in the environment means never')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file''s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Every device of the manifest (-m), as a stream: --format jsonl or csv')
            [CompletionResult]::new('--include-keys', '--include-keys', [CompletionResultType]::ParameterName, 'With --all: put each device''s private key or PSK in the stream too')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'Refuse, instead of warning, when the credentials will not work on --stack or --clock')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Replace files that exist')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no summary on stderr (errors and warnings are still printed)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no summary on stderr (errors and warnings are still printed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mqauth;storm' {
            [CompletionResult]::new('--broker', '--broker', [CompletionResultType]::ParameterName, 'The broker, HOST:PORT (loopback unless --allow-remote); with -m the port may be left out: the manifest''s ports are used')
            [CompletionResult]::new('-m', '-m', [CompletionResultType]::ParameterName, 'Devices of a fleet manifest (credentials as `fleet apply` wrote them)')
            [CompletionResult]::new('--manifest', '--manifest', [CompletionResultType]::ParameterName, 'Devices of a fleet manifest (credentials as `fleet apply` wrote them)')
            [CompletionResult]::new('--fleet-dir', '--fleet-dir', [CompletionResultType]::ParameterName, 'The fleet directory (default: the manifest''s directory)')
            [CompletionResult]::new('--group', '--group', [CompletionResultType]::ParameterName, 'Only the devices of this group of the manifest')
            [CompletionResult]::new('--pki', '--pki', [CompletionResultType]::ParameterName, 'Every client certificate of a PKI directory whose key it holds')
            [CompletionResult]::new('--psk-file', '--psk-file', [CompletionResultType]::ParameterName, 'Every identity of a Mosquitto psk_file (IDENTITY:HEXKEY lines)')
            [CompletionResult]::new('--clients', '--clients', [CompletionResultType]::ParameterName, 'How many devices connect (default: all of the source''s; 1000 per kind with --compare; at most 100000)')
            [CompletionResult]::new('--rate', '--rate', [CompletionResultType]::ParameterName, 'New connections per second, e.g. 200 or 200/s')
            [CompletionResult]::new('--duration', '--duration', [CompletionResultType]::ParameterName, 'The storm stops then, cutting off clients still connecting (at most 10m)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long one client may take, connect to last acknowledgement')
            [CompletionResult]::new('--publish', '--publish', [CompletionResultType]::ParameterName, 'Publish one QoS 1 message per client on this topic ({id} is the device)')
            [CompletionResult]::new('--broker-pid', '--broker-pid', [CompletionResultType]::ParameterName, 'The broker''s process id (a broker on this machine): report its CPU time')
            [CompletionResult]::new('--compare', '--compare', [CompletionResultType]::ParameterName, 'One storm per credential kind, side by side (psk, p256, p384, ed25519, rsa2048, rsa3072, rsa4096), each with a temporary fleet and its own local Mosquitto')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output; NO_COLOR in the environment means never')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file''s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h')
            [CompletionResult]::new('--burst', '--burst', [CompletionResultType]::ParameterName, 'Start every client at once')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the report as JSON (an array of reports with --compare)')
            [CompletionResult]::new('--allow-remote', '--allow-remote', [CompletionResultType]::ParameterName, 'Allow a broker outside loopback: your own broker only')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no summary on stderr (errors and warnings are still printed)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no summary on stderr (errors and warnings are still printed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mqauth;completions' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output; NO_COLOR in the environment means never')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file''s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no summary on stderr (errors and warnings are still printed)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no summary on stderr (errors and warnings are still printed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mqauth;man' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output; NO_COLOR in the environment means never')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file''s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no summary on stderr (errors and warnings are still printed)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no summary on stderr (errors and warnings are still printed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mqauth;generate' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output; NO_COLOR in the environment means never')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file''s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no summary on stderr (errors and warnings are still printed)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no summary on stderr (errors and warnings are still printed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'One man page per command, into DIR')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'The completion script for SHELL, into DIR')
            [CompletionResult]::new('systemd-unit', 'systemd-unit', [CompletionResultType]::ParameterValue, 'A hardened systemd unit for a service, on standard output')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'mqauth;generate;man' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output; NO_COLOR in the environment means never')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file''s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no summary on stderr (errors and warnings are still printed)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no summary on stderr (errors and warnings are still printed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mqauth;generate;completions' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output; NO_COLOR in the environment means never')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file''s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no summary on stderr (errors and warnings are still printed)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no summary on stderr (errors and warnings are still printed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mqauth;generate;systemd-unit' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output; NO_COLOR in the environment means never')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file''s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no summary on stderr (errors and warnings are still printed)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no summary on stderr (errors and warnings are still printed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('enroll', 'enroll', [CompletionResultType]::ParameterValue, '`enroll serve` with the arguments after `--`, run from the current directory')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'mqauth;generate;systemd-unit;enroll' {
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The user the service runs as')
            [CompletionResult]::new('--group', '--group', [CompletionResultType]::ParameterName, 'Its group (default: the user''s name)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output; NO_COLOR in the environment means never')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a lock held by another mqauth (pki/.lock, a PSK file''s or fleet directory) before giving up with exit code 1: seconds, or with s, m or h')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no summary on stderr (errors and warnings are still printed)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no summary on stderr (errors and warnings are still printed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mqauth;generate;systemd-unit;help' {
            [CompletionResult]::new('enroll', 'enroll', [CompletionResultType]::ParameterValue, '`enroll serve` with the arguments after `--`, run from the current directory')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'mqauth;generate;systemd-unit;help;enroll' {
            break
        }
        'mqauth;generate;systemd-unit;help;help' {
            break
        }
        'mqauth;generate;help' {
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'One man page per command, into DIR')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'The completion script for SHELL, into DIR')
            [CompletionResult]::new('systemd-unit', 'systemd-unit', [CompletionResultType]::ParameterValue, 'A hardened systemd unit for a service, on standard output')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'mqauth;generate;help;man' {
            break
        }
        'mqauth;generate;help;completions' {
            break
        }
        'mqauth;generate;help;systemd-unit' {
            [CompletionResult]::new('enroll', 'enroll', [CompletionResultType]::ParameterValue, '`enroll serve` with the arguments after `--`, run from the current directory')
            break
        }
        'mqauth;generate;help;systemd-unit;enroll' {
            break
        }
        'mqauth;generate;help;help' {
            break
        }
        'mqauth;help' {
            [CompletionResult]::new('pki', 'pki', [CompletionResultType]::ParameterValue, 'Certificate authority: root and intermediate CA, broker and client certificates, CSRs')
            [CompletionResult]::new('psk', 'psk', [CompletionResultType]::ParameterValue, 'TLS pre-shared keys: per-device batches, rotation, revocation, linting')
            [CompletionResult]::new('inspect', 'inspect', [CompletionResultType]::ParameterValue, 'Show certificates (files, bundles, directories) with their expiry and status')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Verify certificate chains like `openssl verify`: signatures, validity, CA flags, purpose, revocation')
            [CompletionResult]::new('fleet', 'fleet', [CompletionResultType]::ParameterValue, 'Fleet manifests: plan and apply every credential and broker file from one YAML file')
            [CompletionResult]::new('acl', 'acl', [CompletionResultType]::ParameterValue, 'Render the fleet''s ACL (Mosquitto acl_file, dynamic-security JSON, EMQX acl.conf)')
            [CompletionResult]::new('broker', 'broker', [CompletionResultType]::ParameterValue, 'Render complete broker configurations (Mosquitto, EMQX) for the fleet')
            [CompletionResult]::new('enroll', 'enroll', [CompletionResultType]::ParameterValue, 'Enrollment over MQTT: devices trade a CSR for a certificate, and renew in the field')
            [CompletionResult]::new('audit', 'audit', [CompletionResultType]::ParameterValue, 'Find the classic mistakes in an existing Mosquitto deployment (ACLs, PSKs, certificates, CRLs, listeners)')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Hand devices their credentials: directories, PEM, DER, PKCS#12, C headers, JSON, env, and factory streams, with the broker''s address and pin')
            [CompletionResult]::new('storm', 'storm', [CompletionResultType]::ParameterValue, 'Measure what a reconnect storm costs the broker, with the fleet''s own credentials (PSK vs certificates side by side with --compare)')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print the shell completion script for bash, zsh, fish, elvish or powershell')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Write one man page per command into DIR')
            [CompletionResult]::new('generate', 'generate', [CompletionResultType]::ParameterValue, 'Write the man pages or shell completions (how `man/` and `completions/` are made)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'mqauth;help;pki' {
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Create a root CA and an intermediate issuing CA')
            [CompletionResult]::new('broker', 'broker', [CompletionResultType]::ParameterValue, 'Issue a broker (server) certificate with subject alternative names')
            [CompletionResult]::new('client', 'client', [CompletionResultType]::ParameterValue, 'Issue client certificates, one key per device (CN = device ID)')
            [CompletionResult]::new('sign', 'sign', [CompletionResultType]::ParameterValue, 'Sign a certificate signing request whose key was made elsewhere (a secure element)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the certificates the PKI issued')
            [CompletionResult]::new('revoke', 'revoke', [CompletionResultType]::ParameterValue, 'Revoke a certificate and publish a new CRL')
            [CompletionResult]::new('crl', 'crl', [CompletionResultType]::ParameterValue, 'Re-sign the certificate revocation list (crl.pem, or ca.crl.pem with --ca root)')
            [CompletionResult]::new('renew', 'renew', [CompletionResultType]::ParameterValue, 'Re-issue certificates that expire soon (or the named ones), keeping their keys')
            [CompletionResult]::new('pin', 'pin', [CompletionResultType]::ParameterValue, 'Print a broker''s public-key pin (SHA-256 of its SubjectPublicKeyInfo)')
            [CompletionResult]::new('hsm', 'hsm', [CompletionResultType]::ParameterValue, 'CA keys in a PKCS#11 token: move a file key into one (docs/hsm.md)')
            [CompletionResult]::new('migrate', 'migrate', [CompletionResultType]::ParameterValue, 'Move the records from pki.db into an empty PostgreSQL database')
            break
        }
        'mqauth;help;pki;init' {
            break
        }
        'mqauth;help;pki;broker' {
            break
        }
        'mqauth;help;pki;client' {
            break
        }
        'mqauth;help;pki;sign' {
            break
        }
        'mqauth;help;pki;list' {
            break
        }
        'mqauth;help;pki;revoke' {
            break
        }
        'mqauth;help;pki;crl' {
            break
        }
        'mqauth;help;pki;renew' {
            break
        }
        'mqauth;help;pki;pin' {
            break
        }
        'mqauth;help;pki;hsm' {
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Move a CA key from its file into a token; the file is removed once a test signature through the token verifies')
            break
        }
        'mqauth;help;pki;hsm;import' {
            break
        }
        'mqauth;help;pki;migrate' {
            break
        }
        'mqauth;help;psk' {
            [CompletionResult]::new('gen', 'gen', [CompletionResultType]::ParameterValue, 'Generate identities with their own random keys (Mosquitto psk_file, CSV or JSON)')
            [CompletionResult]::new('rotate', 'rotate', [CompletionResultType]::ParameterValue, 'Give identities fresh keys in an existing PSK file')
            [CompletionResult]::new('revoke', 'revoke', [CompletionResultType]::ParameterValue, 'Remove identities from a PSK file')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Lint PSK files: malformed lines, bad hex, short or weak keys, duplicates, shared keys, loose permissions')
            break
        }
        'mqauth;help;psk;gen' {
            break
        }
        'mqauth;help;psk;rotate' {
            break
        }
        'mqauth;help;psk;revoke' {
            break
        }
        'mqauth;help;psk;check' {
            break
        }
        'mqauth;help;inspect' {
            break
        }
        'mqauth;help;verify' {
            break
        }
        'mqauth;help;fleet' {
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Write a commented example manifest to start from')
            [CompletionResult]::new('plan', 'plan', [CompletionResultType]::ParameterValue, 'Show what apply would create, change or remove; writes nothing')
            [CompletionResult]::new('apply', 'apply', [CompletionResultType]::ParameterValue, 'Create the PKI, certificates, PSKs, ACLs and broker configs the manifest asks for')
            break
        }
        'mqauth;help;fleet;init' {
            break
        }
        'mqauth;help;fleet;plan' {
            break
        }
        'mqauth;help;fleet;apply' {
            break
        }
        'mqauth;help;acl' {
            [CompletionResult]::new('render', 'render', [CompletionResultType]::ParameterValue, 'Render the fleet''s authorization rules (least privilege, from the manifest)')
            break
        }
        'mqauth;help;acl;render' {
            break
        }
        'mqauth;help;broker' {
            [CompletionResult]::new('render', 'render', [CompletionResultType]::ParameterValue, 'Render complete broker configurations (needs the credentials `fleet apply` made)')
            [CompletionResult]::new('snippet', 'snippet', [CompletionResultType]::ParameterValue, 'Mosquitto listener blocks for a plain PKI (no manifest): mTLS, and PSK with --psk-file')
            break
        }
        'mqauth;help;broker;render' {
            break
        }
        'mqauth;help;broker;snippet' {
            break
        }
        'mqauth;help;enroll' {
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Answer enrollment and renewal requests (CSRs over MQTT) with the fleet''s PKI')
            [CompletionResult]::new('device', 'device', [CompletionResultType]::ParameterValue, 'The reference device: a new key, its CSR over MQTT (bootstrap PSK or current certificate), the certificate checked and written')
            [CompletionResult]::new('allow', 'allow', [CompletionResultType]::ParameterValue, 'Let devices whose certificate was revoked enroll again (with a new key)')
            break
        }
        'mqauth;help;enroll;serve' {
            break
        }
        'mqauth;help;enroll;device' {
            break
        }
        'mqauth;help;enroll;allow' {
            break
        }
        'mqauth;help;audit' {
            break
        }
        'mqauth;help;export' {
            break
        }
        'mqauth;help;storm' {
            break
        }
        'mqauth;help;completions' {
            break
        }
        'mqauth;help;man' {
            break
        }
        'mqauth;help;generate' {
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'One man page per command, into DIR')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'The completion script for SHELL, into DIR')
            [CompletionResult]::new('systemd-unit', 'systemd-unit', [CompletionResultType]::ParameterValue, 'A hardened systemd unit for a service, on standard output')
            break
        }
        'mqauth;help;generate;man' {
            break
        }
        'mqauth;help;generate;completions' {
            break
        }
        'mqauth;help;generate;systemd-unit' {
            [CompletionResult]::new('enroll', 'enroll', [CompletionResultType]::ParameterValue, '`enroll serve` with the arguments after `--`, run from the current directory')
            break
        }
        'mqauth;help;generate;systemd-unit;enroll' {
            break
        }
        'mqauth;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}

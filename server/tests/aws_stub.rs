//! The `aws` module against a loopback STS/IAM stub, through the real AWS SDK clients.
//!
//! Nothing here talks to AWS: every endpoint is `127.0.0.1`. Tests that need a particular
//! process environment (no credentials, a profile from a config file, `credential_process`, SSO,
//! environment variables) run their body in a child process of this test binary with a scrubbed
//! environment, because environment variables are process-wide (and setting them is `unsafe`).
#![cfg(feature = "aws")]

#[allow(dead_code)]
#[path = "../../tests/src/aws_stub.rs"]
mod aws_stub;

mod aws {
    use std::path::PathBuf;
    use std::process::Command;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU32, Ordering};
    use std::time::{Duration, Instant};

    use iam_ls::aws::{AwsApi, AwsError, AwsSettings, Operation, SdkClient};

    use crate::aws_stub::{AwsStub, StubReply, StubWorld};

    const BLOB: &str = "AQoDYXdzEJr-example_blob-0123456789abcdefABCDEF";
    const DECODED: &str = r#"{"allowed":false,"explicitDeny":true,"matchedStatements":{"items":[{"statementId":"DenyOutsideRegions","effect":"DENY","conditions":{"items":[{"key":"aws:RequestedRegion","values":{"items":[{"value":"eu-<west>-1 & \"x\" 'y'"}]}}]}}]},"context":{"principal":{"id":"AROAEXAMPLE:alice","arn":"arn:aws:sts::123456789012:assumed-role/Dev/alice"},"action":"ec2:RunInstances","resource":"arn:aws:ec2:us-east-1:123456789012:instance/*"}}"#;
    const POLICY_ARN: &str = "arn:aws:iam::aws:policy/service-role/DemoServicePolicy";
    // Spaces, `+`, `%`, `&`, `<`, quotes and non-ASCII survive the URL-encoding round trip.
    const DOCUMENT: &str = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [{\"Sid\": \"Caf\u{e9} & <more>\", \"Effect\": \"Allow\", \"Action\": \"s3:GetObject\", \"Resource\": \"arn:aws:s3:::bucket/a+b 100%\"}]\n}";

    fn world() -> StubWorld {
        StubWorld::new()
            .with_message(BLOB, DECODED)
            .with_policy(POLICY_ARN, "v3", DOCUMENT)
    }

    fn settings(stub: &AwsStub) -> AwsSettings {
        AwsSettings {
            region: Some("us-west-2".to_owned()),
            endpoint_url: Some(stub.url()),
            timeout: Duration::from_secs(10),
            ..AwsSettings::default()
        }
    }

    fn test_client() -> SdkClient {
        SdkClient::with_static_credentials("AKIDTEST", "secret", None)
    }

    #[tokio::test]
    async fn aws_decode_returns_the_decoded_json() {
        let stub = AwsStub::world(world()).expect("stub");
        let decoded = test_client()
            .decode_authorization_message(&settings(&stub), &format!("  {BLOB}\n"))
            .await
            .expect("decodes");
        assert_eq!(decoded, DECODED);

        let requests = stub.requests();
        assert_eq!(requests.len(), 1);
        let request = &requests[0];
        assert_eq!(request.method, "POST");
        assert_eq!(
            request.action().as_deref(),
            Some("DecodeAuthorizationMessage")
        );
        assert_eq!(request.param("Version").as_deref(), Some("2011-06-15"));
        assert_eq!(request.param("EncodedMessage").as_deref(), Some(BLOB));
        assert!(
            request
                .header("content-type")
                .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded")),
            "{:?}",
            request.header("content-type")
        );
        let (key, _, region, service) = request.credential_scope().expect("signed");
        assert_eq!(
            (key.as_str(), region.as_str(), service.as_str()),
            ("AKIDTEST", "us-west-2", "sts")
        );
    }

    #[tokio::test]
    async fn aws_fetch_policy_reads_the_default_version_and_url_decodes_it() {
        let stub = AwsStub::world(world()).expect("stub");
        let policy = test_client()
            .fetch_managed_policy(&settings(&stub), POLICY_ARN)
            .await
            .expect("fetches");
        assert_eq!(policy.arn, POLICY_ARN);
        assert_eq!(policy.version_id, "v3");
        assert_eq!(policy.name.as_deref(), Some("DemoServicePolicy"));
        assert_eq!(policy.path.as_deref(), Some("/service-role/"));
        assert_eq!(policy.document_json, DOCUMENT);

        let requests = stub.requests();
        let actions: Vec<_> = requests.iter().filter_map(|r| r.action()).collect();
        assert_eq!(actions, ["GetPolicy", "GetPolicyVersion"]);
        for request in &requests {
            assert_eq!(request.param("Version").as_deref(), Some("2010-05-08"));
            assert_eq!(request.param("PolicyArn").as_deref(), Some(POLICY_ARN));
            assert_eq!(request.signing_service().as_deref(), Some("iam"));
        }
        assert_eq!(requests[1].param("VersionId").as_deref(), Some("v3"));
    }

    #[tokio::test]
    async fn aws_works_through_a_trait_object() {
        let stub = AwsStub::world(world()).expect("stub");
        let api: Arc<dyn AwsApi> = Arc::new(test_client());
        let settings = settings(&stub);
        let decoded = api
            .decode_authorization_message(&settings, BLOB)
            .await
            .expect("decodes");
        assert_eq!(decoded, DECODED);
        let policy = api
            .fetch_managed_policy(&settings, POLICY_ARN)
            .await
            .expect("fetches");
        assert_eq!(policy.document_json, DOCUMENT);
    }

    #[tokio::test]
    async fn aws_unknown_message_is_invalid_and_not_retried() {
        let stub = AwsStub::world(world()).expect("stub");
        let err = test_client()
            .decode_authorization_message(&settings(&stub), "AQoDYXdzEJr-truncated")
            .await
            .expect_err("rejected");
        assert!(
            matches!(err, AwsError::InvalidAuthorizationMessage { .. }),
            "{err:?}"
        );
        let text = err.to_string();
        assert!(text.contains("another account or partition"), "{text}");
        assert_eq!(stub.requests().len(), 1);
    }

    #[tokio::test]
    async fn aws_unknown_policy_is_no_such_entity() {
        let stub = AwsStub::world(world()).expect("stub");
        let arn = "arn:aws:iam::123456789012:policy/Missing";
        let err = test_client()
            .fetch_managed_policy(&settings(&stub), arn)
            .await
            .expect_err("missing");
        assert_eq!(err.kind(), "no_such_entity", "{err:?}");
        assert!(err.to_string().contains(arn), "{err}");
        assert_eq!(stub.requests().len(), 1, "GetPolicyVersion must not follow");
    }

    #[tokio::test]
    async fn aws_access_denied_on_decode_gives_the_statement_to_add() {
        let stub = AwsStub::fixed(StubReply::sts_error(
            403,
            "AccessDenied",
            "User: arn:aws:iam::123456789012:user/bob is not authorized to perform: \
             sts:DecodeAuthorizationMessage",
        ))
        .expect("stub");
        let err = test_client()
            .decode_authorization_message(&settings(&stub), BLOB)
            .await
            .expect_err("denied");
        let AwsError::AccessDenied {
            operation,
            statement,
            detail,
        } = &err
        else {
            panic!("expected AccessDenied, got {err:?}");
        };
        assert_eq!(*operation, Operation::DecodeAuthorizationMessage);
        let statement: serde_json::Value = serde_json::from_str(statement).expect("JSON");
        assert_eq!(statement["Action"], "sts:DecodeAuthorizationMessage");
        assert!(detail.contains("user/bob"), "{detail}");
        assert!(err.to_string().contains("\"Effect\": \"Allow\""), "{err}");
    }

    #[tokio::test]
    async fn aws_access_denied_on_get_policy_names_both_iam_actions() {
        let stub = AwsStub::fixed(StubReply::iam_error(
            403,
            "AccessDenied",
            "User: arn:aws:iam::123456789012:user/bob is not authorized to perform: iam:GetPolicy",
        ))
        .expect("stub");
        let err = test_client()
            .fetch_managed_policy(&settings(&stub), POLICY_ARN)
            .await
            .expect_err("denied");
        let AwsError::AccessDenied { statement, .. } = &err else {
            panic!("expected AccessDenied, got {err:?}");
        };
        let statement: serde_json::Value = serde_json::from_str(statement).expect("JSON");
        assert_eq!(
            statement["Action"],
            serde_json::json!(["iam:GetPolicy", "iam:GetPolicyVersion"])
        );
        assert_eq!(statement["Resource"], POLICY_ARN);
    }

    #[tokio::test]
    async fn aws_expired_token_asks_for_a_new_login() {
        let stub = AwsStub::fixed(StubReply::sts_error(
            400,
            "ExpiredToken",
            "The security token included in the request is expired",
        ))
        .expect("stub");
        let err = test_client()
            .decode_authorization_message(&settings(&stub), BLOB)
            .await
            .expect_err("expired");
        assert!(
            matches!(err, AwsError::CredentialsExpired { .. }),
            "{err:?}"
        );
        assert!(err.to_string().contains("aws sso login"), "{err}");
    }

    #[tokio::test]
    async fn aws_unknown_access_key_is_invalid_credentials() {
        let stub = AwsStub::fixed(StubReply::sts_error(
            403,
            "InvalidClientTokenId",
            "The security token included in the request is invalid.",
        ))
        .expect("stub");
        let err = test_client()
            .decode_authorization_message(&settings(&stub), BLOB)
            .await
            .expect_err("invalid");
        assert_eq!(err.kind(), "invalid_credentials", "{err:?}");
    }

    #[tokio::test]
    async fn aws_server_error_is_retried_then_reported() {
        let stub = AwsStub::fixed(StubReply::sts_error(
            500,
            "InternalFailure",
            "Something broke",
        ))
        .expect("stub");
        let err = test_client()
            .decode_authorization_message(&settings(&stub), BLOB)
            .await
            .expect_err("5xx");
        assert!(
            matches!(err, AwsError::ServiceUnavailable { status: 500, .. }),
            "{err:?}"
        );
        assert!(err.is_transient());
        assert!(stub.requests().len() >= 2, "5xx is retried");
    }

    #[tokio::test]
    async fn aws_throttling_is_retried_then_reported() {
        let stub =
            AwsStub::fixed(StubReply::iam_error(400, "Throttling", "Rate exceeded")).expect("stub");
        let err = test_client()
            .fetch_managed_policy(&settings(&stub), POLICY_ARN)
            .await
            .expect_err("throttled");
        assert_eq!(err.kind(), "throttled", "{err:?}");
        assert!(stub.requests().len() >= 2, "throttling is retried");
    }

    #[tokio::test]
    async fn aws_garbage_answer_is_an_error_not_a_panic() {
        let stub = AwsStub::fixed(StubReply::xml("<not-what-you-expect")).expect("stub");
        let err = test_client()
            .decode_authorization_message(&settings(&stub), BLOB)
            .await
            .expect_err("garbage");
        assert_eq!(err.kind(), "other", "{err:?}");
    }

    #[tokio::test]
    async fn aws_silent_endpoint_times_out_at_the_configured_limit() {
        let stub = AwsStub::fixed(StubReply::Hang).expect("stub");
        let settings = AwsSettings {
            timeout: Duration::from_secs(1),
            ..settings(&stub)
        };
        let started = Instant::now();
        let err = test_client()
            .decode_authorization_message(&settings, BLOB)
            .await
            .expect_err("times out");
        let elapsed = started.elapsed();
        assert_eq!(
            err,
            AwsError::Timeout {
                after: Duration::from_secs(1)
            }
        );
        assert!(err.to_string().contains("within 1 s"), "{err}");
        assert!(
            elapsed >= Duration::from_millis(900) && elapsed < Duration::from_secs(5),
            "{elapsed:?}"
        );
        assert!(!stub.requests().is_empty(), "the request reached the stub");
    }

    #[tokio::test]
    async fn aws_refused_connection_is_a_network_error() {
        // Bind and release a port so that nothing listens on it.
        let port = {
            let listener = std::net::TcpListener::bind(("127.0.0.1", 0)).expect("bind");
            listener.local_addr().expect("addr").port()
        };
        let url = format!("http://127.0.0.1:{port}");
        let settings = AwsSettings {
            region: Some("us-east-1".to_owned()),
            endpoint_url: Some(url.clone()),
            timeout: Duration::from_secs(10),
            ..AwsSettings::default()
        };
        let err = test_client()
            .decode_authorization_message(&settings, BLOB)
            .await
            .expect_err("refused");
        assert!(matches!(err, AwsError::Network { .. }), "{err:?}");
        assert!(err.to_string().contains(&url), "{err}");
    }

    #[tokio::test]
    async fn aws_bad_input_is_rejected_without_a_request() {
        let stub = AwsStub::world(world()).expect("stub");
        let client = test_client();
        let settings = settings(&stub);
        let err = client
            .decode_authorization_message(&settings, "  \n")
            .await
            .expect_err("empty");
        assert_eq!(err.kind(), "invalid_input");
        let err = client
            .fetch_managed_policy(&settings, "arn:aws:iam::123456789012:role/Dev")
            .await
            .expect_err("not a policy");
        assert_eq!(err.kind(), "invalid_input");
        assert!(stub.requests().is_empty());
    }

    // ---- Tests whose body runs in a child process with a scrubbed environment. ----

    const CHILD_VAR: &str = "IAM_LS_AWS_TEST_CHILD";
    const STUB_VAR: &str = "IAM_LS_AWS_TEST_STUB";

    /// A temporary home directory with `.aws/config` and `.aws/credentials`.
    struct TempHome(PathBuf);

    impl TempHome {
        fn new(config: &str, credentials: &str) -> TempHome {
            static NEXT: AtomicU32 = AtomicU32::new(0);
            let dir = std::env::temp_dir().join(format!(
                "iam-ls-aws-test-{}-{}",
                std::process::id(),
                NEXT.fetch_add(1, Ordering::Relaxed)
            ));
            std::fs::create_dir_all(dir.join(".aws/sso/cache")).expect("temp home");
            std::fs::write(dir.join(".aws/config"), config).expect("config");
            std::fs::write(dir.join(".aws/credentials"), credentials).expect("credentials");
            TempHome(dir)
        }

        fn write(&self, relative: &str, contents: &str) {
            std::fs::write(self.0.join(relative), contents).expect("write");
        }
    }

    impl Drop for TempHome {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    /// In the child: the stub URL. In the parent: `None`.
    fn child_stub_url(test: &str) -> Option<String> {
        if std::env::var(CHILD_VAR).ok()? == test {
            std::env::var(STUB_VAR).ok()
        } else {
            None
        }
    }

    /// Runs `aws::<test>` alone in a child process whose environment holds only what a test
    /// needs: no AWS variables from the outside, a temporary HOME, instance metadata disabled.
    fn run_child(test: &str, home: &TempHome, stub: &AwsStub, extra: &[(&str, &str)]) {
        let exe = std::env::current_exe().expect("test binary");
        let mut command = Command::new(exe);
        command
            .args([
                &format!("aws::{test}"),
                "--exact",
                "--test-threads=1",
                "--nocapture",
            ])
            .env_clear()
            .env("PATH", "/usr/bin:/bin")
            .env("HOME", &home.0)
            .env("AWS_CONFIG_FILE", home.0.join(".aws/config"))
            .env(
                "AWS_SHARED_CREDENTIALS_FILE",
                home.0.join(".aws/credentials"),
            )
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env(CHILD_VAR, test)
            .env(STUB_VAR, stub.url());
        for (name, value) in extra {
            command.env(name, value);
        }
        let output = command.output().expect("run child");
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            output.status.success() && stdout.contains("1 passed"),
            "child test {test} failed:\n{stdout}\n{stderr}"
        );
    }

    fn runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime")
    }

    #[test]
    fn aws_no_credentials_anywhere_says_how_to_configure() {
        const NAME: &str = "aws_no_credentials_anywhere_says_how_to_configure";
        if let Some(url) = child_stub_url(NAME) {
            let settings = AwsSettings {
                endpoint_url: Some(url),
                region: Some("us-east-1".to_owned()),
                ..AwsSettings::default()
            };
            let err = runtime()
                .block_on(SdkClient::new().decode_authorization_message(&settings, BLOB))
                .expect_err("no credentials");
            assert!(matches!(err, AwsError::NoCredentials { .. }), "{err:?}");
            let text = err.to_string();
            for hint in ["AWS_ACCESS_KEY_ID", "`aws configure`", "`aws sso login`"] {
                assert!(text.contains(hint), "missing {hint}: {text}");
            }
            return;
        }
        let stub = AwsStub::world(world()).expect("stub");
        let home = TempHome::new("", "");
        run_child(NAME, &home, &stub, &[]);
        assert!(stub.requests().is_empty(), "nothing unsigned may be sent");
    }

    #[test]
    fn aws_expired_sso_session_asks_for_sso_login() {
        const NAME: &str = "aws_expired_sso_session_asks_for_sso_login";
        if let Some(url) = child_stub_url(NAME) {
            let settings = AwsSettings {
                profile: Some("dev".to_owned()),
                endpoint_url: Some(url),
                ..AwsSettings::default()
            };
            let err = runtime()
                .block_on(SdkClient::new().decode_authorization_message(&settings, BLOB))
                .expect_err("expired");
            assert!(
                matches!(err, AwsError::CredentialsExpired { .. }),
                "{err:?}"
            );
            assert!(
                err.to_string().contains("`aws sso login --profile dev`"),
                "{err}"
            );
            return;
        }
        let stub = AwsStub::world(world()).expect("stub");
        let home = TempHome::new(
            "[profile dev]\nsso_session = corp\nsso_account_id = 123456789012\n\
             sso_role_name = Dev\nregion = us-east-1\n\n\
             [sso-session corp]\nsso_start_url = https://example.invalid/start\n\
             sso_region = us-east-1\nsso_registration_scopes = sso:account:access\n",
            "",
        );
        // The token cache file is named after the SHA-1 of the session name ("corp").
        home.write(
            ".aws/sso/cache/ee0bfd2552fbd840c02cc48b6e823320543c450f.json",
            r#"{"accessToken":"expired-token","expiresAt":"2020-01-01T00:00:00Z","region":"us-east-1","startUrl":"https://example.invalid/start"}"#,
        );
        // Any SDK client built inside the credential chain goes to the stub, never to AWS.
        run_child(NAME, &home, &stub, &[("AWS_ENDPOINT_URL", &stub.url())]);
        assert!(stub.requests().is_empty());
    }

    #[test]
    fn aws_profile_keys_and_region_come_from_the_shared_files() {
        const NAME: &str = "aws_profile_keys_and_region_come_from_the_shared_files";
        if let Some(url) = child_stub_url(NAME) {
            let settings = AwsSettings {
                profile: Some("audit".to_owned()),
                endpoint_url: Some(url),
                ..AwsSettings::default()
            };
            let decoded = runtime()
                .block_on(SdkClient::new().decode_authorization_message(&settings, BLOB))
                .expect("decodes");
            assert_eq!(decoded, DECODED);
            return;
        }
        let stub = AwsStub::world(world()).expect("stub");
        let home = TempHome::new(
            "[default]\nregion = us-east-2\n\n[profile audit]\nregion = eu-west-1\n",
            "[default]\naws_access_key_id = AKIDDEFAULT\naws_secret_access_key = s\n\n\
             [audit]\naws_access_key_id = AKIDPROFILE\naws_secret_access_key = s\n",
        );
        run_child(NAME, &home, &stub, &[]);
        let requests = stub.requests();
        assert_eq!(requests.len(), 1);
        let (key, _, region, _) = requests[0].credential_scope().expect("signed");
        assert_eq!(
            (key.as_str(), region.as_str()),
            ("AKIDPROFILE", "eu-west-1")
        );
    }

    #[test]
    fn aws_credential_process_is_supported() {
        const NAME: &str = "aws_credential_process_is_supported";
        if let Some(url) = child_stub_url(NAME) {
            let settings = AwsSettings {
                profile: Some("proc".to_owned()),
                endpoint_url: Some(url),
                ..AwsSettings::default()
            };
            let policy = runtime()
                .block_on(SdkClient::new().fetch_managed_policy(&settings, POLICY_ARN))
                .expect("fetches");
            assert_eq!(policy.document_json, DOCUMENT);
            return;
        }
        let stub = AwsStub::world(world()).expect("stub");
        let home = TempHome::new(
            "[profile proc]\nregion = ap-southeast-2\ncredential_process = printf \
             '{\"Version\": 1, \"AccessKeyId\": \"AKIDPROCESS\", \"SecretAccessKey\": \"s\"}'\n",
            "",
        );
        run_child(NAME, &home, &stub, &[]);
        let keys: Vec<_> = stub
            .requests()
            .iter()
            .filter_map(|r| r.access_key_id())
            .collect();
        assert_eq!(keys, ["AKIDPROCESS", "AKIDPROCESS"]);
    }

    #[test]
    fn aws_environment_variables_are_honoured() {
        const NAME: &str = "aws_environment_variables_are_honoured";
        if child_stub_url(NAME).is_some() {
            // No settings at all: keys, region and endpoint all come from the environment.
            let decoded = runtime()
                .block_on(iam_ls::aws::decode_authorization_message(
                    &AwsSettings::default(),
                    BLOB,
                ))
                .expect("decodes");
            assert_eq!(decoded, DECODED);
            return;
        }
        let stub = AwsStub::world(world()).expect("stub");
        let home = TempHome::new("", "");
        let url = stub.url();
        run_child(
            NAME,
            &home,
            &stub,
            &[
                ("AWS_ACCESS_KEY_ID", "AKIDENV"),
                ("AWS_SECRET_ACCESS_KEY", "s"),
                ("AWS_REGION", "ca-central-1"),
                ("AWS_ENDPOINT_URL_STS", &url),
            ],
        );
        let requests = stub.requests();
        assert_eq!(requests.len(), 1);
        let (key, _, region, service) = requests[0].credential_scope().expect("signed");
        assert_eq!(
            (key.as_str(), region.as_str(), service.as_str()),
            ("AKIDENV", "ca-central-1", "sts")
        );
    }
}

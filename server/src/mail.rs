//! Sending one email through the configured SMTP relay with `lettre` (MEET-3).
//!
//! `SMTP_TLS=true` means STARTTLS is required and the relay's certificate is checked
//! against the system's roots: a relay that offers no STARTTLS, or a certificate that
//! does not verify, fails the attempt; nothing is ever sent in the clear instead.
//! `SMTP_TLS=false` sends in plaintext, for local catchers, with a warning at start.

use std::time::Duration;

use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::config::SmtpConfig;

/// How long one SMTP conversation may take.
const SMTP_TIMEOUT: Duration = Duration::from_secs(30);

/// One message to send.
pub struct Email<'a> {
    /// Unique per message: the relay and the reader can tell a repeat.
    pub message_id: String,
    pub to_address: &'a str,
    pub to_name: &'a str,
    pub subject: &'a str,
    pub text: &'a str,
    /// An iCalendar file and its METHOD.
    pub calendar: Option<(&'a str, &'a str)>,
}

#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Mailer {
    /// A mailer for `config`; `extra_roots` are PEM certificates trusted besides
    /// the system's. Fails on a configuration that cannot work (a bad certificate).
    pub fn new(config: &SmtpConfig, extra_roots: &[String]) -> anyhow::Result<Mailer> {
        let from = Mailbox::new(
            Some(config.from_name.clone()),
            config
                .from_address
                .parse()
                .map_err(|e| anyhow::anyhow!("EMAIL_FROM is not a usable address: {e}"))?,
        );
        let mut builder = if config.tls {
            let mut tls = TlsParameters::builder(config.host.clone());
            for pem in extra_roots {
                tls = tls.add_root_certificate(Certificate::from_pem(pem.as_bytes())?);
            }
            AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&config.host)
                .tls(Tls::Required(tls.build_rustls()?))
        } else {
            tracing::warn!(
                host = %config.host,
                "SMTP_TLS=false: email goes to the relay in plaintext; use this only for a local catcher"
            );
            AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&config.host).tls(Tls::None)
        };
        builder = builder.port(config.port).timeout(Some(SMTP_TIMEOUT));
        if let Some(username) = &config.username {
            let password = config
                .password
                .as_ref()
                .map(|p| p.expose().clone())
                .unwrap_or_default();
            builder = builder.credentials(Credentials::new(username.clone(), password));
        }
        Ok(Mailer {
            transport: builder.build(),
            from,
        })
    }

    /// Hands one message to the relay; the error says what went wrong.
    pub async fn send(&self, email: &Email<'_>) -> Result<(), String> {
        let message = self
            .build(email)
            .map_err(|e| format!("cannot build the message: {e}"))?;
        self.transport
            .send(message)
            .await
            .map(|_| ())
            .map_err(|e| describe(&e))
    }

    fn build(&self, email: &Email<'_>) -> anyhow::Result<Message> {
        let to = Mailbox::new(Some(email.to_name.to_owned()), email.to_address.parse()?);
        let builder = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(email.subject)
            .message_id(Some(email.message_id.clone()));
        let text = SinglePart::plain(email.text.to_owned());
        let Some((ics, method)) = email.calendar else {
            return Ok(builder.singlepart(text)?);
        };
        // Mail clients show the invite from the text/calendar alternative; the
        // attachment is for those that only offer files.
        let calendar_type = format!("text/calendar; method={method}; charset=UTF-8");
        let inline = SinglePart::builder()
            .header(ContentType::parse(&calendar_type)?)
            .body(ics.to_owned());
        let attachment = Attachment::new("invite.ics".to_owned())
            .body(ics.to_owned(), ContentType::parse("application/ics")?);
        Ok(builder.multipart(
            MultiPart::mixed()
                .multipart(MultiPart::alternative().singlepart(text).singlepart(inline))
                .singlepart(attachment),
        )?)
    }
}

/// The relay's answer or the connection problem, in one line.
fn describe(err: &lettre::transport::smtp::Error) -> String {
    use std::error::Error as _;
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

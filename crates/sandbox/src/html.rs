//! Server-rendered HTML for hosted pages: escaping and one accessible layout. No
//! JavaScript anywhere, so the pages work with a keyboard, a screen reader, curl-style
//! form posts and a headless browser alike.

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

/// Escapes text for HTML element content and double-quoted attribute values.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "\
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:0;background:#f4f6fb;color:#1b1f2a}\
header{background:#0a3d91;color:#fff;padding:12px 20px;font-weight:700}\
main{max-width:420px;margin:24px auto;background:#fff;padding:24px;border-radius:12px;box-shadow:0 1px 4px rgba(0,0,0,.12)}\
h1{font-size:1.35rem;margin-top:0}\
label{display:block;font-weight:600;margin:14px 0 6px}\
input[type=tel],input[type=password],input[type=text]{width:100%;box-sizing:border-box;padding:10px;font-size:1rem;border:1px solid #6b7280;border-radius:8px}\
button{margin-top:18px;width:100%;padding:12px;font-size:1rem;font-weight:700;color:#fff;background:#0a3d91;border:0;border-radius:8px;cursor:pointer}\
button:focus,input:focus,a:focus{outline:3px solid #f59e0b;outline-offset:2px}\
.error{color:#b91c1c;background:#fef2f2;border:1px solid #fecaca;padding:10px;border-radius:8px}\
.note{color:#4b5563;font-size:.9rem}\
.amount{font-size:1.6rem;font-weight:700}\
fieldset{border:1px solid #d1d5db;border-radius:8px;margin-top:14px}\
fieldset label{font-weight:400;display:flex;gap:8px;align-items:center;margin:8px 0}\
a{color:#0a3d91}\
.sandbox{background:#fff7ed;border:1px dashed #f59e0b;padding:8px;border-radius:8px;font-size:.85rem}";

/// A complete page: `title` goes in `<title>` and `<h1>`; `body` is trusted HTML that the
/// caller built with [`escape`] around every dynamic value.
pub(crate) fn page(title: &str, body: &str) -> Html<String> {
    let title = escape(title);
    Html(format!(
        "<!doctype html>\n<html lang=\"id\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title} · Kredivo Sandbox</title>\n<style>{STYLE}</style>\n</head>\n<body>\n\
         <header role=\"banner\">Kredivo <span class=\"note\" style=\"color:#dbeafe\">sandbox</span></header>\n\
         <main id=\"main\">\n<h1 id=\"title\">{title}</h1>\n{body}\n</main>\n</body>\n</html>\n"
    ))
}

/// A page with a non-200 status (unknown token, bad request).
pub(crate) fn error_page(status: StatusCode, title: &str, message: &str) -> Response {
    let body = format!(
        "<p class=\"error\" role=\"alert\" id=\"error\">{}</p>",
        escape(message)
    );
    (status, page(title, &body)).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_neutralises_markup_and_attribute_quotes() {
        assert_eq!(
            escape(r#"<a href="x">Tom & 'Jerry'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;"
        );
    }

    #[test]
    fn a_page_escapes_its_title() {
        let Html(html) = page("<script>", "<p>ok</p>");
        assert!(html.contains("<h1 id=\"title\">&lt;script&gt;</h1>"));
        assert!(!html.contains("<script>"));
    }
}

// Records every Content-Security-Policy violation of the page in `window.__cspViolations`,
// for the end-to-end tests and for anyone checking a policy by hand. A classic script loaded
// first (no `async`, no `type=module`), so it hears violations from the first byte on.
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push({
    directive: e.effectiveDirective,
    blocked: e.blockedURI,
    source: e.sourceFile,
    sample: e.sample,
  });
});

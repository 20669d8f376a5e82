// Lists every Content-Security-Policy violation of this page in the element #csp-report, so that a
// page under a strict policy shows at a glance whether the widgets need anything it forbids.
const report = document.getElementById('csp-report');
const violations = [];

function show() {
  report.dataset.count = String(violations.length);
  report.textContent =
    violations.length === 0
      ? 'No Content-Security-Policy violations so far.'
      : `Content-Security-Policy violations: ${violations.join('; ')}`;
}

document.addEventListener('securitypolicyviolation', (event) => {
  violations.push(`${event.effectiveDirective} blocked ${event.blockedURI || '(inline)'}`);
  show();
});
show();

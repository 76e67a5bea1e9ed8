// The Print button of a printable receipt (an inline handler would need
// 'unsafe-inline' in the receipt's Content-Security-Policy).
document.getElementById('print')?.addEventListener('click', () => window.print());

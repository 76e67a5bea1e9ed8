// Labels of the mall screens in English and Hindi. The choice is kept per
// device (localStorage) because a counter is usually run in one language.
import { $$ } from './common.js';

const LANG = 'ekta.lang';

const en = {
  brand: 'PM Ekta Mall', till: 'Till', zoneApp: 'Zone stock', other: 'हिन्दी', logout: 'Log out',
  offline: 'Hub unreachable: keep selling. Sales are saved here and will reach the hub when the link is back.',
  serverDown: 'This till cannot reach the mall server. Check the network cable or Wi-Fi; sales cannot be completed until it is back.',
  synced: 'Synced', pending: (n) => `${n} waiting to sync`, hubDown: 'Hub offline',
  loginTitle: 'Log in', username: 'Username', password: 'Password', loginBtn: 'Log in',
  needUser: 'Enter your username.', needPassword: 'Enter your password.',
  badLogin: 'That username and password do not match. Try again, or ask the mall admin to reset it.',
  wrongRole: (r) => `This screen is for cashiers; you are logged in as ${r}.`,
  openShift: 'Open a shift', counter: 'Counter', openingFloat: 'Opening cash in drawer (₹)', openBtn: 'Open shift',
  scanLabel: 'Scan or type a barcode / SKU, then Enter', item: 'Item', qty: 'Qty', price: 'Price', discount: 'Discount',
  amount: 'Amount', empty: 'No items yet. Scan a barcode to start a sale.', items: 'Items', total: 'Total', youSave: 'Discount',
  pay: 'Pay', search: 'Search', quantity: 'Quantity', park: 'Park', recall: 'Recall', ret: 'Return', closeShift: 'Close shift',
  remove: 'Remove line', lastReceipt: 'Last receipt', language: 'Language', keysTitle: 'Keyboard shortcuts',
  searchTitle: 'Find a product', searchLabel: 'Name, district or state', searchHint: 'Type at least 2 letters; ↑ ↓ to choose, Enter to add.',
  noResults: 'Nothing matches. Try a district (e.g. Moradabad) or a state (e.g. Karnataka).',
  qtyTitle: 'Change quantity', discTitle: 'Line discount', discLabel: 'Amount (e.g. 50) or percent (e.g. 10%)', apply: 'Apply', cancel: 'Cancel',
  payTitle: 'Take payment', cash: 'Cash', upi: 'UPI', card: 'Card', cashGiven: 'Cash received (₹)', upiAmt: 'UPI amount (₹)', cardAmt: 'Card amount (₹)',
  upiRef: 'UPI reference (UTR) from the customer\'s phone', cardRef: 'Card slip reference (approval code)', showQR: 'Show UPI QR',
  toPay: 'To pay', paid: 'Paid', remaining: 'Still to pay', change: 'Change to give', complete: 'Complete sale',
  allCash: 'Exact cash', allUPI: 'All by UPI', allCard: 'All by card', qrFor: (a) => `Customer scans to pay ${a}`,
  short: (a) => `The payment is ${a} short of the total.`, needRef: 'Enter the reference before completing the sale.',
  tooMuchNonCash: 'UPI and card together cannot be more than the total; only cash gives change.',
  emptyCart: 'The cart is empty: scan an item first.',
  pendingSale: 'A sale was being completed when this page closed. Finish it now; the customer will not be charged twice.',
  finish: 'Finish that sale', discard: 'It did not happen',
  receipt: 'Receipt', taxInvoice: 'TAX INVOICE', creditNote: 'CREDIT NOTE', invoiceNo: 'Invoice no.', date: 'Date', cashier: 'Cashier',
  gstin: 'GSTIN', placeOfSupply: 'Place of supply', hsn: 'HSN', rate: 'Rate', taxable: 'Taxable value', cgst: 'CGST', sgst: 'SGST', utgst: 'UTGST', igst: 'IGST', roundOff: 'Round off', payable: 'Payable', refund: 'Refund',
  priceBand: 'Price band', buyer: 'Buyer', buyerBox: 'Buyer and delivery (GSTIN, PAN, address)', buyerName: 'Buyer name (legal name)', deliverState: 'Delivery State', pincode: 'PIN code',
  needPAN: (a) => `Above ${a} the buyer's PAN (or a Form 60) goes on the invoice.`, needNamed: (a) => `From ${a} taxable value a buyer without GSTIN needs name, address and State.`, buyerGstin: 'Buyer GSTIN', buyerAddress: 'Buyer address', buyerState: 'Buyer State', form60: 'Form 60 ref', deliverTo: 'Deliver to', taxInvoiceB2B: 'TAX INVOICE (B2B)',
  tendered: 'Tendered', thanks: 'Thank you for supporting India\'s district producers.', gi: 'GI tag',
  print: 'Print', newSale: 'New sale', saleDone: (n) => `Sale complete: invoice ${n}`,
  parkDone: 'Cart parked. Recall it with F8.', parkedTitle: 'Parked carts', noParked: 'No parked carts on this counter.', localOnly: '(kept on this till only)',
  returnTitle: 'Return against an invoice', invoiceLabel: 'Invoice number', find: 'Find', sold: 'Sold', returned: 'Returned', returnQty: 'Return',
  refundTo: 'Refund to', refundCash: 'Cash', refundOriginal: 'Original payment', restockTo: 'Goods go to', backroom: 'Backroom (resell)', damaged: 'Damaged',
  reason: 'Reason', doReturn: 'Issue credit note', returnDone: (n) => `Credit note ${n} issued`, noReturnQty: 'Enter how many of which item come back.',
  invoiceNotFound: 'No invoice with that number at this mall. Check the number on the customer\'s receipt.',
  closeTitle: 'Close shift: count the drawer', notes: 'Notes', coins: 'Coins', counted: 'Counted cash', closeBtn: 'Close shift and print Z report',
  zReport: 'Z report', xReport: 'X report', expected: 'Expected cash', overShort: 'Over / short', firstInv: 'First invoice', lastInv: 'Last invoice',
  sales: 'Sales', returns: 'Returns', netSales: 'Net sales', openingFloatShort: 'Opening float', byTender: 'By tender', refunds: 'Refunds', net: 'Net',
  logoutAfter: 'Log out', confirmClose: 'Close the shift now? Sales need a new shift afterwards.',
  notAvailable: 'This is not available on this mall server yet.',
  qtyBad: 'Quantity is a whole number from 1 to 999.', discBad: 'Write a discount like 50 (rupees) or 10% (percent).',
  discTooBig: 'The discount is more than the line is worth.', amountBad: 'Write an amount like 500 or 499.50.',
  retQtyBad: (n) => `Between 0 and ${n}.`, countBad: 'A count is a whole number, 0 or more.',
  e_network: 'No answer from the mall server. Check the network; nothing was charged twice — try again.',
  e_unauthorized: 'Your login has expired. Please log in again.',
  e_forbidden: 'You are not allowed to do this. Ask the mall admin.',
  e_unavailable: 'The system is busy. Wait a moment and try again.',
  e_internal: 'Something went wrong on the server. It has been logged; tell the mall admin.',
  e_unknownItem: 'No product with that barcode or SKU. Check the code or search by name (F2).',
};

const hi = {
  brand: 'पीएम एकता मॉल', till: 'बिलिंग', zoneApp: 'ज़ोन स्टॉक', other: 'English', logout: 'लॉग आउट',
  offline: 'हब से संपर्क नहीं: बिक्री जारी रखें। बिक्री यहाँ सुरक्षित है और संपर्क लौटते ही हब पहुँच जाएगी।',
  serverDown: 'यह काउंटर मॉल सर्वर तक नहीं पहुँच पा रहा। नेटवर्क केबल या वाई-फ़ाई जाँचें; तब तक बिक्री पूरी नहीं होगी।',
  synced: 'सिंक पूरा', pending: (n) => `${n} सिंक होना बाकी`, hubDown: 'हब ऑफ़लाइन',
  loginTitle: 'लॉग इन', username: 'यूज़रनेम', password: 'पासवर्ड', loginBtn: 'लॉग इन करें',
  needUser: 'अपना यूज़रनेम लिखें।', needPassword: 'अपना पासवर्ड लिखें।',
  badLogin: 'यूज़रनेम और पासवर्ड मेल नहीं खाते। फिर से कोशिश करें या मॉल एडमिन से रीसेट करवाएँ।',
  wrongRole: (r) => `यह स्क्रीन कैशियर के लिए है; आप ${r} के रूप में लॉग इन हैं।`,
  openShift: 'शिफ़्ट शुरू करें', counter: 'काउंटर', openingFloat: 'दराज़ में शुरुआती नकद (₹)', openBtn: 'शिफ़्ट शुरू करें',
  scanLabel: 'बारकोड / SKU स्कैन करें या लिखें, फिर Enter', item: 'सामान', qty: 'मात्रा', price: 'मूल्य', discount: 'छूट',
  amount: 'राशि', empty: 'अभी कोई सामान नहीं। बिक्री शुरू करने के लिए बारकोड स्कैन करें।', items: 'सामान', total: 'कुल', youSave: 'छूट',
  pay: 'भुगतान', search: 'खोजें', quantity: 'मात्रा', park: 'रोकें', recall: 'वापस लाएँ', ret: 'वापसी', closeShift: 'शिफ़्ट बंद',
  remove: 'लाइन हटाएँ', lastReceipt: 'पिछली रसीद', language: 'भाषा', keysTitle: 'कीबोर्ड शॉर्टकट',
  searchTitle: 'सामान खोजें', searchLabel: 'नाम, ज़िला या राज्य', searchHint: 'कम से कम 2 अक्षर लिखें; ↑ ↓ से चुनें, Enter से जोड़ें।',
  noResults: 'कुछ नहीं मिला। ज़िला (जैसे मुरादाबाद) या राज्य (जैसे कर्नाटक) लिखकर देखें।',
  qtyTitle: 'मात्रा बदलें', discTitle: 'लाइन पर छूट', discLabel: 'राशि (जैसे 50) या प्रतिशत (जैसे 10%)', apply: 'लागू करें', cancel: 'रद्द करें',
  payTitle: 'भुगतान लें', cash: 'नकद', upi: 'यूपीआई', card: 'कार्ड', cashGiven: 'मिला नकद (₹)', upiAmt: 'यूपीआई राशि (₹)', cardAmt: 'कार्ड राशि (₹)',
  upiRef: 'ग्राहक के फ़ोन पर यूपीआई संदर्भ (UTR)', cardRef: 'कार्ड स्लिप संदर्भ (अनुमोदन कोड)', showQR: 'यूपीआई QR दिखाएँ',
  toPay: 'देय', paid: 'भुगतान हुआ', remaining: 'बाकी', change: 'लौटाने हैं', complete: 'बिक्री पूरी करें',
  allCash: 'पूरा नकद', allUPI: 'पूरा यूपीआई', allCard: 'पूरा कार्ड', qrFor: (a) => `ग्राहक ${a} चुकाने के लिए स्कैन करें`,
  short: (a) => `भुगतान कुल से ${a} कम है।`, needRef: 'बिक्री पूरी करने से पहले संदर्भ लिखें।',
  tooMuchNonCash: 'यूपीआई और कार्ड मिलाकर कुल से ज़्यादा नहीं हो सकते; बकाया केवल नकद में लौटता है।',
  emptyCart: 'कार्ट खाली है: पहले सामान स्कैन करें।',
  pendingSale: 'पेज बंद होते समय एक बिक्री पूरी हो रही थी। उसे अभी पूरा करें; ग्राहक से दो बार पैसे नहीं कटेंगे।',
  finish: 'वह बिक्री पूरी करें', discard: 'वह बिक्री नहीं हुई',
  receipt: 'रसीद', taxInvoice: 'कर बीजक', creditNote: 'क्रेडिट नोट', invoiceNo: 'बीजक सं.', date: 'दिनांक', cashier: 'कैशियर',
  gstin: 'जीएसटीआईएन', placeOfSupply: 'आपूर्ति का स्थान', hsn: 'एचएसएन', rate: 'दर', taxable: 'कर योग्य मूल्य', cgst: 'सीजीएसटी', sgst: 'एसजीएसटी', utgst: 'यूटीजीएसटी', igst: 'आईजीएसटी', roundOff: 'पूर्णांकन', payable: 'देय राशि', refund: 'वापसी राशि',
  priceBand: 'मूल्य स्लैब', buyer: 'खरीदार', buyerBox: 'खरीदार और डिलीवरी (जीएसटीआईएन, पैन, पता)', buyerName: 'खरीदार का नाम (कानूनी नाम)', deliverState: 'डिलीवरी राज्य', pincode: 'पिन कोड',
  needPAN: (a) => `${a} से अधिक पर बीजक पर खरीदार का पैन (या फॉर्म 60) आवश्यक है।`, needNamed: (a) => `${a} कर योग्य मूल्य से बिना जीएसटीआईएन वाले खरीदार का नाम, पता और राज्य आवश्यक है।`, buyerGstin: 'खरीदार जीएसटीआईएन', buyerAddress: 'खरीदार का पता', buyerState: 'खरीदार का राज्य', form60: 'फॉर्म 60 संदर्भ', deliverTo: 'डिलीवरी पता', taxInvoiceB2B: 'कर बीजक (B2B)',
  tendered: 'दिया गया', thanks: 'भारत के ज़िला उत्पादकों का साथ देने के लिए धन्यवाद।', gi: 'जीआई टैग',
  print: 'प्रिंट', newSale: 'नई बिक्री', saleDone: (n) => `बिक्री पूरी: बीजक ${n}`,
  parkDone: 'कार्ट रोका गया। F8 से वापस लाएँ।', parkedTitle: 'रोके गए कार्ट', noParked: 'इस काउंटर पर कोई रुका कार्ट नहीं।', localOnly: '(केवल इस काउंटर पर)',
  returnTitle: 'बीजक पर वापसी', invoiceLabel: 'बीजक संख्या', find: 'ढूँढें', sold: 'बिका', returned: 'लौटा', returnQty: 'वापसी',
  refundTo: 'पैसे वापस', refundCash: 'नकद', refundOriginal: 'मूल भुगतान में', restockTo: 'सामान कहाँ जाए', backroom: 'गोदाम (फिर बिकेगा)', damaged: 'खराब',
  reason: 'कारण', doReturn: 'क्रेडिट नोट जारी करें', returnDone: (n) => `क्रेडिट नोट ${n} जारी`, noReturnQty: 'कौन-सा सामान कितना लौटा, लिखें।',
  invoiceNotFound: 'इस मॉल में इस संख्या का कोई बीजक नहीं। ग्राहक की रसीद पर संख्या जाँचें।',
  closeTitle: 'शिफ़्ट बंद: दराज़ गिनें', notes: 'नोट', coins: 'सिक्के', counted: 'गिना गया नकद', closeBtn: 'शिफ़्ट बंद करें और Z रिपोर्ट छापें',
  zReport: 'Z रिपोर्ट', xReport: 'X रिपोर्ट', expected: 'अपेक्षित नकद', overShort: 'अधिक / कम', firstInv: 'पहला बीजक', lastInv: 'अंतिम बीजक',
  sales: 'बिक्री', returns: 'वापसी', netSales: 'शुद्ध बिक्री', openingFloatShort: 'शुरुआती नकद', byTender: 'भुगतान के प्रकार से', refunds: 'वापसी', net: 'शुद्ध',
  logoutAfter: 'लॉग आउट', confirmClose: 'शिफ़्ट अभी बंद करें? इसके बाद बिक्री के लिए नई शिफ़्ट चाहिए।',
  notAvailable: 'यह सुविधा इस मॉल सर्वर पर अभी उपलब्ध नहीं है।',
  qtyBad: 'मात्रा 1 से 999 तक पूरी संख्या हो।', discBad: 'छूट ऐसे लिखें: 50 (रुपये) या 10% (प्रतिशत)।',
  discTooBig: 'छूट लाइन की कीमत से ज़्यादा है।', amountBad: 'राशि ऐसे लिखें: 500 या 499.50।',
  retQtyBad: (n) => `0 से ${n} के बीच।`, countBad: 'गिनती 0 या उससे अधिक पूरी संख्या हो।',
  e_network: 'मॉल सर्वर से जवाब नहीं आया। नेटवर्क जाँचें; पैसे दो बार नहीं कटे — फिर से कोशिश करें।',
  e_unauthorized: 'आपका लॉग इन समाप्त हो गया। फिर से लॉग इन करें।',
  e_forbidden: 'आपको यह करने की अनुमति नहीं है। मॉल एडमिन से पूछें।',
  e_unavailable: 'सिस्टम व्यस्त है। थोड़ा रुककर फिर कोशिश करें।',
  e_internal: 'सर्वर पर कुछ गड़बड़ हुई। यह दर्ज हो गया है; मॉल एडमिन को बताएँ।',
  e_unknownItem: 'इस बारकोड या SKU का कोई सामान नहीं। कोड जाँचें या नाम से खोजें (F2)।',
};

const dicts = { en, hi };

export function lang() { return localStorage.getItem(LANG) === 'hi' ? 'hi' : 'en'; }

export function setLang(l) {
  localStorage.setItem(LANG, l === 'hi' ? 'hi' : 'en');
  applyI18n();
}

/** The label for key in the chosen language (a function for labels with values). */
export function t(key, ...args) {
  const v = dicts[lang()][key] ?? en[key] ?? key;
  return typeof v === 'function' ? v(...args) : v;
}

/** Re-labels every [data-i18n] element (text) and [data-i18n-label] (aria-label). */
export function applyI18n(root = document) {
  document.documentElement.lang = lang();
  for (const e of $$('[data-i18n]', root)) e.textContent = t(e.dataset.i18n);
  for (const e of $$('[data-i18n-ph]', root)) e.placeholder = t(e.dataset.i18nPh);
}

/** Words for an API error, for the person at the counter. */
export function explain(e) {
  if (!e || !e.code) return String(e);
  if (e.notAvailable) return t('notAvailable');
  switch (e.code) {
    case 'network': return t('e_network');
    case 'unauthorized': return t('e_unauthorized');
    case 'forbidden': return t('e_forbidden') + (e.message ? ` (${e.message})` : '');
    case 'unavailable': return t('e_unavailable');
    case 'internal': return t('e_internal');
  }
  // invalid, conflict, not_found: the server's message is written for people.
  return e.message;
}

/** The words loginForm needs. */
export const loginWords = {
  get needUser() { return t('needUser'); }, get needPassword() { return t('needPassword'); },
  get badLogin() { return t('badLogin'); }, wrongRole: (r) => t('wrongRole', r), explain,
};

// Netra's user journeys in a real browser (Debian's Chromium, driven by playwright-core):
//   1. a member of the public files a report on a phone, with a photo, and follows it with the receipt;
//   2. Bawaslu takes the case through the preliminary check, registration and study, forwards it to BKN, writes
//      the signed forwarding letter and looks at its dashboard;
//   3. BKN accepts it and recommends a sanction to the PPK;
//   4. the PPK accepts, summons, examines and decides;
//   5. anyone reads the catalogue and the public transparency page.
// Each step saves a screenshot; any failed check ends the run with exit code 1.
//
// Usage: node e2e/journeys.mjs BASE_URL SCREENSHOT_DIR

import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, devices } from 'playwright-core';

const base = process.argv[2];
const shots = process.argv[3] ?? 'target/e2e';
if (!base) {
  console.error('usage: node e2e/journeys.mjs BASE_URL [SCREENSHOT_DIR]');
  process.exit(2);
}
mkdirSync(shots, { recursive: true });
const photo = fileURLToPath(new URL('./fixtures/bukti-spanduk.png', import.meta.url));
const password = 'netra-demo-2024';

let step = 0;
async function shot(page, name) {
  step += 1;
  const file = `${shots}/${String(step).padStart(2, '0')}-${name}.png`;
  await page.screenshot({ path: file, fullPage: true });
  console.log(`  ✓ ${name} (${file})`);
}

function check(condition, what) {
  if (!condition) throw new Error(`check failed: ${what}`);
}

async function text(page) {
  return (await page.locator('main').innerText()).replace(/\s+/g, ' ');
}

// Today in WIB, as the forms expect it (YYYY-MM-DD).
function today() {
  const wib = new Date(Date.now() + 7 * 3600 * 1000);
  return wib.toISOString().slice(0, 10);
}

async function signIn(page, username) {
  await page.goto(`${base}/masuk`);
  await page.fill('#f-username', username);
  await page.fill('#f-password', password);
  await Promise.all([page.waitForURL((url) => !url.pathname.startsWith('/masuk')), page.click('main form button[type=submit]')]);
}

// Submits the case page's form for `action`, filling `fields` (name → value; selects by value), and checks that
// the page says the action was recorded.
async function act(page, action, fields = {}) {
  const form = page.locator(`form:has(input[name="action"][value="${action}"])`);
  check((await form.count()) === 1, `the case page offers ${action}`);
  for (const [name, value] of Object.entries(fields)) {
    const input = form.locator(`[name="${name}"]`);
    const tag = await input.evaluate((el) => el.tagName.toLowerCase());
    const type = await input.evaluate((el) => el.getAttribute('type'));
    if (tag === 'select') await input.selectOption(value);
    else if (type === 'checkbox') await input.setChecked(value === true || value === '1');
    else await input.fill(String(value));
  }
  await Promise.all([page.waitForLoadState('load'), form.locator('button[type=submit]').click()]);
  await page.waitForURL(/\/kasus\/[0-9a-f-]{36}/);
  const body = await text(page);
  check(body.includes('Tindakan tercatat'), `${action} was recorded: ${body.slice(0, 400)}`);
}

// Finds a case by its number from the work list (a unique number opens the case directly).
async function openCase(page, caseNumber) {
  await page.goto(`${base}/kasus?nomor=${encodeURIComponent(caseNumber)}`);
  if (!/\/kasus\/[0-9a-f-]{36}/.test(page.url())) {
    const link = page.locator(`a:has-text("${caseNumber}")`).first();
    check((await link.count()) === 1, `the work list shows ${caseNumber}`);
    await Promise.all([page.waitForURL(/\/kasus\/[0-9a-f-]{36}/), link.click()]);
  }
  check((await page.locator('h1').innerText()).includes(caseNumber), `the page of ${caseNumber} is open`);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
let failed = false;
try {
  // 1. The public report, on a phone.
  console.log('journey 1: a public report on a phone, with a photo, followed by its receipt');
  const phone = await browser.newContext({ ...devices['Pixel 7'], locale: 'id-ID' });
  const mobile = await phone.newPage();
  await mobile.goto(`${base}/lapor`);
  // The reporter narrows the place down: province, then kabupaten/kota (the district list follows).
  await mobile.selectOption('#f-wilayah', '32');
  await Promise.all([mobile.waitForURL(/wilayah=32$/), mobile.locator('form[method=get] button[type=submit]').click()]);
  await mobile.selectOption('#f-wilayah', '32.04');
  await Promise.all([mobile.waitForURL(/wilayah=32\.04/), mobile.locator('form[method=get] button[type=submit]').click()]);
  await shot(mobile, 'lapor-formulir');
  await mobile.fill('#f-description',
    'Camat Cileunyi memasang spanduk pasangan calon nomor 2 di pagar kantor kecamatan dan mengajak pegawai memilih.');
  await mobile.fill('#f-occurred_on', today());
  await mobile.fill('#f-known_on', today());
  await mobile.selectOption('#f-region_code', '32.04.05');
  await mobile.fill('[name="place"]', 'Kantor Kecamatan Cileunyi');
  await mobile.fill('[name="reported_person.name"]', 'Asep Sunandar');
  await mobile.fill('[name="reported_person.position"]', 'Camat Cileunyi');
  await mobile.fill('[name="reported_person.agency"]', 'Pemerintah Kabupaten Bandung');
  await mobile.setInputFiles('#f-files', photo);
  await mobile.selectOption('[name="reporter.mode"]', 'anonymous');
  await shot(mobile, 'lapor-terisi');
  await Promise.all([mobile.waitForLoadState('load'), mobile.locator('form[enctype="multipart/form-data"] button[type=submit]').click()]);
  await mobile.waitForSelector('dl.facts');
  const receiptText = await text(mobile);
  check(receiptText.includes('Laporan diterima'), `the report is received: ${receiptText.slice(0, 300)}`);
  const facts = await mobile.locator('dl.facts dd').allInnerTexts();
  const [receipt, caseNumber] = facts;
  check(/^[A-Z0-9-]{10,}$/.test(receipt) && /^NTR-\d{4}-\d{6}$/.test(caseNumber), `a receipt and a case number: ${facts}`);
  await shot(mobile, 'lapor-tanda-terima');
  await mobile.goto(`${base}/lapor/status`);
  await mobile.fill('#f-receipt', receipt);
  await Promise.all([mobile.waitForLoadState('load'), mobile.locator('main form button[type=submit]').click()]);
  const status = await text(mobile);
  check(status.includes(caseNumber), `the receipt opens ${caseNumber}: ${status.slice(0, 300)}`);
  check(status.includes('1'), 'the status counts the photo');
  await shot(mobile, 'lapor-status');
  await phone.close();

  // 2. Bawaslu Kabupaten Bandung: preliminary check, registration, study, forwarding.
  console.log(`journey 2: Bawaslu takes ${caseNumber} to BKN`);
  const bawaslu = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const desk = await bawaslu.newPage();
  await signIn(desk, 'bawaslu.kabbandung');
  await openCase(desk, caseNumber);
  const page = await text(desk);
  check(page.includes('Asep Sunandar') && page.includes('bukti-spanduk.png'), 'the case page shows the person and the photo');
  await shot(desk, 'bawaslu-kasus');
  await act(desk, 'begin_preliminary_check');
  await act(desk, 'register', { number: '017/Reg/LP/PB/Kab/13.03/2026' });
  await act(desk, 'begin_kajian');
  await shot(desk, 'bawaslu-kajian');
  await act(desk, 'forward_to_bkn', { letter_number: '045/PP.01.02/K.JB-04/2026', items: 'D-BANNER' });
  check((await text(desk)).includes('Diteruskan ke BKN'), 'the case is with BKN');
  await shot(desk, 'bawaslu-diteruskan');
  // The forwarding letter, signed, listed with its verification code.
  const letterForm = desk.locator('form:has(input[name="kind"][value="penerusan"])');
  check((await letterForm.count()) === 1, 'the case page offers the forwarding letter');
  await Promise.all([desk.waitForLoadState('load'), letterForm.locator('button[type=submit]').click()]);
  const withLetter = await text(desk);
  check(withLetter.includes('Surat diterbitkan') && /[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}/.test(withLetter),
    'the letter is issued with its code');
  await shot(desk, 'bawaslu-surat');
  // The office's dashboard draws its charts.
  await desk.goto(`${base}/dasbor`);
  check((await desk.locator('figure.chart svg[role="img"]').count()) >= 6, 'the dashboard draws its charts');
  await shot(desk, 'bawaslu-dasbor');
  await bawaslu.close();

  // 3. BKN Kantor Regional III: accepts and recommends to the PPK of Kabupaten Bandung.
  console.log('journey 3: BKN recommends a sanction');
  const bkn = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const bknPage = await bkn.newPage();
  await signIn(bknPage, 'bkn.kanreg3');
  await openCase(bknPage, caseNumber);
  await act(bknPage, 'bkn_receive');
  await act(bknPage, 'recommend', { letter_number: 'R-2026/KR.III/2026', level: 'berat', ppk_agency: 'pemkab-bandung' });
  check((await text(bknPage)).includes('Rekomendasi dikirim ke PPK'), 'the recommendation is with the PPK');
  await shot(bknPage, 'bkn-rekomendasi');
  await bkn.close();

  // 4. The PPK of Kabupaten Bandung: accepts, summons, examines, decides.
  console.log('journey 4: the PPK decides');
  const ppk = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const ppkPage = await ppk.newPage();
  await signIn(ppkPage, 'ppk.kabbandung');
  await openCase(ppkPage, caseNumber);
  await act(ppkPage, 'ppk_receive');
  await act(ppkPage, 'summon');
  await act(ppkPage, 'record_examination', { attended: true });
  await act(ppkPage, 'issue_sanction', { decree_number: '800.1.6/901/BKPSDM/2026', level: 'berat' });
  check((await text(ppkPage)).includes('Hukuman ditetapkan'), 'the sanction is decided');
  await shot(ppkPage, 'ppk-keputusan');
  await ppk.close();

  // 5. The public catalogue and transparency pages.
  console.log('journey 5: the catalogue and the transparency page');
  const reader = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const readerPage = await reader.newPage();
  await readerPage.goto(`${base}/katalog?q=spanduk`);
  const catalogue = await text(readerPage);
  check(catalogue.includes('D-BANNER') && catalogue.includes('PP 94/2021'), 'the catalogue finds the banner item and its basis');
  await shot(readerPage, 'katalog');
  await readerPage.goto(`${base}/transparansi`);
  const transparency = await text(readerPage);
  check(transparency.includes('Jawa Barat') && !transparency.includes('Asep Sunandar') && !transparency.includes(caseNumber),
    'the transparency page has aggregates only');
  await shot(readerPage, 'transparansi');
  await reader.close();
} catch (error) {
  failed = true;
  console.error(`journey failed: ${error.stack ?? error}`);
  for (const context of browser.contexts()) {
    for (const page of context.pages()) {
      await page.screenshot({ path: `${shots}/failure-${step + 1}.png`, fullPage: true }).catch(() => {});
    }
  }
} finally {
  await browser.close();
}
process.exit(failed ? 1 : 0);

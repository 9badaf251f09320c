-- wrk: POST a new anonymous report to /api/v1/reports, dated today in WIB.
local today = os.date("!%Y-%m-%d", os.time() + 7 * 3600)
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"description":"Camat mengunggah ajakan memilih pasangan calon nomor 2 di Facebook pribadinya.",'
  .. '"occurred_on":"' .. today .. '","known_on":"' .. today .. '","region_code":"32.04",'
  .. '"reported_person":{"name":"Asep Sunandar"},"reporter":{"mode":"anonymous"}}'

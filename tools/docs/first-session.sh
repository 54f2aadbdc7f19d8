#!/usr/bin/env bash
# README's "A first session", as a script the docs smoke runs (tools/docs/smoke.mjs) against a
# stack: the block between the markers IS the README's block (tools/docs/readme-session.unit.spec.ts
# compares them; `npm run docs:reference` copies this block into README.md). Outside the markers:
# the harness — every curl must connect and get no 5xx, and the session's outcome is checked.
set -euo pipefail
E=${E:-http://localhost:8000}
statuses=$(mktemp)
trap 'rm -f "$statuses"' EXIT
# curl as the reader types it, plus: record each status; fail on no connection or a 5xx.
curl() {
  local out status
  out=$(command curl -sS -w '\n%{http_code}' "$@") || { echo "docs smoke: curl $* failed to connect" >&2; return 1; }
  status=${out##*$'\n'}
  printf '%s\n' "${out%$'\n'*}"
  echo "$status $*" | sed 's/Bearer [^ ]*/Bearer …/g' >>"$statuses"
  if [ "${status:0:1}" = 5 ] || [ "$status" = 000 ]; then echo "docs smoke: $status from curl $*" >&2; return 1; fi
}
# --- session ---
# register a customer → 202 {"status":"accepted",…}: the same answer whether or not the e-mail is
# taken (case-insensitive); a new address gets a verification link by e-mail (local mail UI), a taken
# one a "someone tried to register" message. Signing in works before verifying (locally).
curl -s -X POST $E/identity/v1/users -H 'content-type: application/json' \
  -d '{"email":"ada@example.com","password":"correct horse battery","displayName":"Ada"}'

# tokens (RFC 6749 password grant, form-encoded); ids from JSON answers
token() { node -pe 'JSON.parse(require("fs").readFileSync(0)).access_token'; }
id() { node -pe 'JSON.parse(require("fs").readFileSync(0)).id'; }
ADMIN=$(curl -s -X POST $E/identity/v1/token -d grant_type=password \
  -d username=admin@archipelago.local -d password=archipelago-admin | token)
ADA=$(curl -s -X POST $E/identity/v1/token -d grant_type=password \
  -d username=ada@example.com -d 'password=correct horse battery' | token)

# create a product as the admin (price in minor units of the deployment's currency, USD)
# → 201, Location: /commerce/v1/products/<id>, {"id":"…","sku":"KETTLE-1",…,"available":5}
PRODUCT=$(curl -s -X POST $E/commerce/v1/products -H "authorization: Bearer $ADMIN" \
  -H 'content-type: application/json' \
  -d '{"sku":"KETTLE-1","name":"Kettle","price":{"amount":2999,"currency":"USD"},"initialStock":5}' | id)

# anyone may browse the catalog, without a token; the customer may not write (403), nobody
# without a token (401)
curl -s "$E/commerce/v1/products?limit=20"
curl -s $E/commerce/v1/products/$PRODUCT
curl -s -o /dev/null -w '%{http_code}\n' -X POST $E/commerce/v1/products -H "authorization: Bearer $ADA" \
  -H 'content-type: application/json' -d '{"sku":"X","name":"X","price":{"amount":1,"currency":"USD"},"initialStock":1}'
curl -s -o /dev/null -w '%{http_code}\n' -X POST $E/commerce/v1/products -H 'content-type: application/json' -d '{}'

# stock adjustments (admin); going below zero is a 409 problem
curl -s -X POST $E/commerce/v1/products/$PRODUCT/stock-adjustments -H "authorization: Bearer $ADMIN" \
  -H 'content-type: application/json' -d '{"delta":-2,"reason":"sold at the counter"}'

# bad input is a 400 application/problem+json listing every bad field (RFC 9457)
curl -s -X POST $E/commerce/v1/products -H "authorization: Bearer $ADMIN" -H 'content-type: application/json' \
  -d '{"sku":"","price":{"amount":1.5,"currency":"usd"}}'

# the customer funds a wallet and orders; the saga reserves stock, captures payment, confirms
curl -s -X POST $E/commerce/v1/wallet/deposits -H "authorization: Bearer $ADA" \
  -H 'content-type: application/json' -H 'idempotency-key: first-deposit' -d '{"amount":{"amount":10000,"currency":"USD"}}'
ORDER=$(curl -s -X POST $E/commerce/v1/orders -H "authorization: Bearer $ADA" -H 'content-type: application/json' \
  -d "{\"items\":[{\"productId\":\"$PRODUCT\",\"quantity\":2}]}" | id)   # → 202, status "pending", Location
for i in $(seq 30); do   # "confirmed" a moment later
  curl -s $E/commerce/v1/orders/$ORDER -H "authorization: Bearer $ADA" | grep -q '"status":"confirmed"' && break; sleep 1
done
curl -s $E/commerce/v1/wallet -H "authorization: Bearer $ADA"          # balance − total
# more than the stock → "cancelled", "out_of_stock"; without funds → "cancelled", "payment_declined"
curl -s $E/commerce/v1/orders/$ORDER/saga -H "authorization: Bearer $ADMIN"   # every saga step (admin)

# withdraw (Idempotency-Key as for deposits) → 201 {transactionId, balance};
# more than the balance → 422 with details {available, requested}
curl -s -X POST $E/commerce/v1/wallet/withdrawals -H "authorization: Bearer $ADA" \
  -H 'content-type: application/json' -H 'idempotency-key: first-withdrawal' -d '{"amount":{"amount":1000,"currency":"USD"}}'

# low-stock alerts: a threshold per product (PATCH as admin); the admin lists what runs low
curl -s -X PATCH $E/commerce/v1/products/$PRODUCT -H "authorization: Bearer $ADMIN" \
  -H 'content-type: application/json' -d '{"lowStockThreshold":3}'
curl -s "$E/commerce/v1/products?lowStock=true" -H "authorization: Bearer $ADMIN"

# fulfilment (admin): ship the confirmed order, then deliver it; the customer follows the timeline
curl -s -X POST $E/commerce/v1/orders/$ORDER/shipment -H "authorization: Bearer $ADMIN" \
  -H 'content-type: application/json' -d '{"carrier":"DHL","trackingNumber":"JD014600000001"}'   # → "shipped"
curl -s -X POST $E/commerce/v1/orders/$ORDER/delivery -H "authorization: Bearer $ADMIN"      # → "delivered"
curl -s $E/commerce/v1/orders/$ORDER/timeline -H "authorization: Bearer $ADA"
# → {"status":"delivered","shipment":{…},"steps":[{"step":"placed","at":…},…,{"step":"delivered","at":…}]}
# the customer returns it within 14 days: 202 "returning", then "returned" (refund in the wallet, units in stock)
curl -s -X POST $E/commerce/v1/orders/$ORDER/return -H "authorization: Bearer $ADA"

# the daily sales report, a batch job (a CronJob in Kubernetes): run it for today (UTC), then the
# admin reads it as JSON or CSV (orders, units, gross, refunds, net in minor units; top products, hours)
npm run report -- daily-sales --date $(date -u +%F)
curl -s "$E/commerce/v1/reports/daily-sales?from=$(date -u +%F)&to=$(date -u +%F)" -H "authorization: Bearer $ADMIN"
curl -s "$E/commerce/v1/reports/daily-sales?from=$(date -u +%F)&to=$(date -u +%F)" -H "authorization: Bearer $ADMIN" \
  -H 'accept: text/csv'

# the registry: an admin publishes a JSON Schema (its title is the type; _osConfig says what is
# private, unique, who owns an entity and who may attest what), validates and activates it
STUDENT=$(curl -s -X POST $E/registry/v1/schema/create_def -H "authorization: Bearer $ADMIN" \
  -H 'content-type: application/json' -d '{"title":"Student","type":"object","required":["name","email"],
  "properties":{"name":{"type":"string"},"email":{"type":"string"},"nationalId":{"type":"string"},"userId":{"type":"string"}},
  "_osConfig":{"privateFields":["$.nationalId"],"uniqueIndexFields":["email"],"ownershipAttributes":[{"userId":"/userId"}],
  "attestationPolicies":[{"name":"enrolment","properties":["$.name","$.email"],"attestorRoles":["admin"],
  "credentialTemplate":{"type":["EnrolmentCredential"],"credentialSubject":{"name":"{{name}}","email":"{{email}}"}}}]}}' | id)
curl -s -X POST $E/registry/v1/schema/validate_def -H "authorization: Bearer $ADMIN" \
  -H 'content-type: application/json' -d "{\"id\":\"$STUDENT\"}"            # → "status":"valid"
curl -s -X POST $E/registry/v1/schema/activate_def -H "authorization: Bearer $ADMIN" \
  -H 'content-type: application/json' -d "{\"id\":\"$STUDENT\"}"            # → "status":"active"
# an entity owned by Ada (201, Location, ETag); search (managers; never private fields)
ADA_ID=$(curl -s $E/identity/v1/users/me -H "authorization: Bearer $ADA" | id)
ASHA=$(curl -s -X POST $E/registry/v1/entity/Student -H "authorization: Bearer $ADMIN" \
  -H 'content-type: application/json' \
  -d "{\"name\":\"Asha\",\"email\":\"asha@example.com\",\"nationalId\":\"ID-1\",\"userId\":\"$ADA_ID\"}" | id)
for i in $(seq 30); do   # the search read model follows a moment later
  curl -s -X POST $E/registry/v1/entity/Student/search -H "authorization: Bearer $ADMIN" \
    -H 'content-type: application/json' -d '{"filters":{"name":{"startsWith":"As"}}}' | grep -q '"totalCount":1' && break; sleep 1
done
curl -s $E/registry/v1/entity/Student/$ASHA -H "authorization: Bearer $ADA"   # the owner: 200, with nationalId
curl -s -X POST $E/identity/v1/users -H 'content-type: application/json' \
  -d '{"email":"bo@example.com","password":"correct horse battery","displayName":"Bo"}'
BO=$(curl -s -X POST $E/identity/v1/token -d grant_type=password \
  -d username=bo@example.com -d 'password=correct horse battery' | token)
curl -s -o /dev/null -w '%{http_code}\n' $E/registry/v1/entity/Student/$ASHA -H "authorization: Bearer $BO"   # 404
# the owner changes her own record (JSON Merge Patch) → 200, version 2; the fields that make her
# owner (userId) stay hers (403 if changed); anyone else's PATCH → 404, as if it did not exist
curl -s -X PATCH $E/registry/v1/entity/Student/$ASHA -H "authorization: Bearer $ADA" \
  -H 'content-type: application/json' -d '{"nationalId":"ID-2"}'   # → {…"version":2,…"nationalId":"ID-2"…}
curl -s -o /dev/null -w '%{http_code}\n' -X PATCH $E/registry/v1/entity/Student/$ASHA -H "authorization: Bearer $BO" \
  -H 'content-type: application/json' -d '{"nationalId":"ID-3"}'   # 404
# Ada's own Student records (ownershipAttributes name her; a manager lists all), and one's history:
# who changed which fields when, never the values
curl -s $E/registry/v1/entity/Student -H "authorization: Bearer $ADA"   # → {"totalCount":1,"items":[{…"status":"active"…}]}
curl -s $E/registry/v1/entity/Student/$ASHA/history -H "authorization: Bearer $ADA"   # → {…"items":[{"version":1,"type":"EntityCreated",…}]}
# attestation: Ada (the owner) requests the "enrolment" policy → 201, a claim "open"; the admin (an
# attestor: attestorRoles) lists the claims they may decide and attests one (a second decision → 409)
CLAIM=$(curl -s -X POST $E/registry/v1/entity/Student/$ASHA/attestations -H "authorization: Bearer $ADA" \
  -H 'content-type: application/json' -d '{"policy":"enrolment"}' | id)
for i in $(seq 30); do   # the attestor's inbox follows a moment later
  curl -s "$E/registry/v1/claims?status=open" -H "authorization: Bearer $ADMIN" | grep -q "$CLAIM" && break; sleep 1
done
curl -s -X POST $E/registry/v1/claims/$CLAIM/attest -H "authorization: Bearer $ADMIN" \
  -H 'content-type: application/json' -d '{"note":"checked the enrolment register"}'   # → "status":"attested"
for i in $(seq 30); do   # the entity follows: "_osState":{"enrolment":"ATTESTED"}, "_osAttestedData" the values
  curl -s $E/registry/v1/entity/Student/$ASHA -H "authorization: Bearer $ADA" | grep -q '"enrolment":"ATTESTED"' && break; sleep 1
done
# the policy has a credentialTemplate: the attestation issued Ada a verifiable credential by itself
for i in $(seq 30); do
  curl -s "$E/registry/v1/credentials?entityId=$ASHA" -H "authorization: Bearer $ADA" | grep -q EnrolmentCredential && break; sleep 1
done
curl -s "$E/registry/v1/credentials?entityId=$ASHA" -H "authorization: Bearer $ADA"   # → {"items":[{…"types":["VerifiableCredential","EnrolmentCredential"],"status":"active"…}]…}

# a W3C verifiable credential of Asha's record (VC 2.0 secured as VC-JOSE, signed by the did:web
# issuer of /.well-known/did.json): issued by an admin, fetched by Ada as application/vc+jwt,
# verified by anyone (valid), revoked, verified again (its status list bit says revoked)
for i in $(seq 30); do   # the credentials service learns the entity from the registry's event
  CRED=$(curl -s -X POST $E/registry/v1/credentials -H "authorization: Bearer $ADMIN" \
    -H 'content-type: application/json' \
    -d "{\"entityType\":\"Student\",\"entityId\":\"$ASHA\",\"holder\":\"$ADA_ID\",\"template\":{\"type\":[\"StudentCredential\"],\"credentialSubject\":{\"name\":\"{{name}}\"}}}" | id) &&
    [[ $CRED != undefined ]] && break; sleep 1
done
VC=$(curl -s $E/registry/v1/credentials/$CRED -H "authorization: Bearer $ADA" -H 'accept: application/vc+jwt')
# the same credential as a printable certificate (save it with -o certificate.html, print it from a
# browser): its fields, issuer, dates, status, and a QR code holding $VC itself (verifiable offline)
curl -s $E/registry/v1/credentials/$CRED -H "authorization: Bearer $ADA" -H 'accept: text/html' |
  grep -o '<title>.*</title>'                                                       # → <title>Student Certificate</title>
curl -s -X POST $E/registry/v1/credentials/verify -H 'content-type: application/vc+jwt' --data-raw "$VC"   # → {"valid":true,…}
curl -s -X POST $E/registry/v1/credentials/$CRED/revoke -H "authorization: Bearer $ADMIN"   # → "status":"revoked"
curl -s -X POST $E/registry/v1/credentials/verify -H 'content-type: application/json' \
  -d "{\"credential\":\"$VC\"}"                                                      # → {"valid":false,… "revoked"}

# who am I; the whole platform's health (200 only when every service is ready)
curl -s $E/identity/v1/users/me -H "authorization: Bearer $ADA"
curl -s $E/health

# scheduling (any signed-in user, in their personal workspace): a task with a subtask; writes answer
# the new version, reads with ?minVersion= wait up to 2 s for the query side to reach it (else 409)
TASK=$(curl -s -X POST $E/scheduling/v1/tasks -H "authorization: Bearer $ADA" -H 'content-type: application/json' \
  -d '{"title":"Plan the trip","priority":2,"due":"2026-03-28"}' | id)       # → 201 {"id":…,"version":1,…}
SUBTASK=$(curl -s -X POST $E/scheduling/v1/tasks -H "authorization: Bearer $ADA" -H 'content-type: application/json' \
  -d "{\"title\":\"Book the train\",\"parentId\":\"$TASK\"}" | id)
curl -s "$E/scheduling/v1/tasks/$SUBTASK?minVersion=1" -H "authorization: Bearer $ADA"
# completing the parent with an open subtask is a 409; with cascade=true both are done
curl -s -X POST $E/scheduling/v1/tasks/$TASK/complete -H "authorization: Bearer $ADA"
curl -s -X POST "$E/scheduling/v1/tasks/$TASK/complete?cascade=true" -H "authorization: Bearer $ADA" \
  -H 'idempotency-key: plan-done'                                              # → 200 "status":"done","version":2
curl -s "$E/scheduling/v1/tasks/$TASK?minVersion=2" -H "authorization: Bearer $ADA"   # read your write
curl -s "$E/scheduling/v1/tasks?status=done" -H "authorization: Bearer $ADA"   # → {"items":[…2 tasks],"nextCursor":null}
# custom fields (a small typed map: string, number, boolean; a date as YYYY-MM-DD) and attachments
# (metadata of a file kept elsewhere: name, media type, size in bytes, https URL — never fetched)
FARES=$(curl -s -X POST $E/scheduling/v1/tasks -H "authorization: Bearer $ADA" -H 'content-type: application/json' \
  -d '{"title":"Compare train fares","customFields":{"route":"Berlin-Vienna","budget":120}}' | id)
curl -s -X POST $E/scheduling/v1/tasks/$FARES/attachments -H "authorization: Bearer $ADA" \
  -H 'content-type: application/json' \
  -d '{"name":"fares.pdf","mediaType":"application/pdf","size":48213,"url":"https://files.example.com/fares.pdf"}'
# → 201, Location: …/attachments/<id>, {"id":…,"taskId":…,"version":2,"name":"fares.pdf",…}
curl -s "$E/scheduling/v1/tasks/$FARES?minVersion=2" -H "authorization: Bearer $ADA"   # both, on the query side
curl -s "$E/scheduling/v1/tasks?cf.route=Berlin-Vienna" -H "authorization: Bearer $ADA"   # filter by a custom field
# a shared workspace: Ada owns it and adds Bo as a viewer; Bo reads its tasks but cannot write
# (403); anyone who is not a member gets 404 for everything in it
BO_ID=$(curl -s $E/identity/v1/users/me -H "authorization: Bearer $BO" | id)
TEAM=$(curl -s -X POST $E/scheduling/v1/workspaces -H "authorization: Bearer $ADA" -H 'content-type: application/json' \
  -d '{"name":"Trip crew"}' | id)                             # → 201 {"id":…,"members":[{"userId":…,"role":"owner"}]}
curl -s -X POST $E/scheduling/v1/workspaces/$TEAM/members -H "authorization: Bearer $ADA" \
  -H 'content-type: application/json' -d "{\"userId\":\"$BO_ID\",\"role\":\"viewer\"}"
SHARED=$(curl -s -X POST $E/scheduling/v1/tasks -H "authorization: Bearer $ADA" -H 'content-type: application/json' \
  -d "{\"workspaceId\":\"$TEAM\",\"title\":\"Pack the tent\",\"assigneeId\":\"$BO_ID\"}" | id)
curl -s "$E/scheduling/v1/tasks?workspaceId=$TEAM" -H "authorization: Bearer $BO"   # a member lists it
curl -s -o /dev/null -w '%{http_code}\n' -X PATCH $E/scheduling/v1/tasks/$SHARED -H "authorization: Bearer $BO" \
  -H 'content-type: application/json' -d '{"title":"Mine"}'                  # 403: a viewer cannot write
# a weekly event at 09:00 Berlin time with a reminder 15 minutes before; its occurrences across the
# DST change (29 March 2026) stay at 09:00 local: 08:00Z, then 07:00Z
EVENT=$(curl -s -X POST $E/scheduling/v1/events -H "authorization: Bearer $ADA" -H 'content-type: application/json' \
  -d '{"title":"Team sync","start":"2026-03-23T09:00:00","end":"2026-03-23T09:30:00","timeZone":"Europe/Berlin","rrule":"FREQ=WEEKLY;COUNT=4","reminders":[{"offset":"-PT15M"}]}' | id)
sleep 1   # the query side catches up (eventually consistent)
curl -s "$E/scheduling/v1/events/occurrences?from=2026-03-20T00:00:00Z&to=2026-04-10T00:00:00Z" -H "authorization: Bearer $ADA"
# → {"items":[{"eventId":…,"start":"2026-03-23T08:00:00Z",…},{…"2026-03-30T07:00:00Z"…},{…"2026-04-06T07:00:00Z"…}]}
# move one occurrence an hour later (RFC 5545 RECURRENCE-ID: its original start, the `recurrenceId`
# listed above); If-Match: the version the write is based on (another one: 412); its reminder follows
curl -s -X PUT "$E/scheduling/v1/events/$EVENT/occurrences/2026-03-30T09:00:00" -H "authorization: Bearer $ADA" \
  -H 'content-type: application/json' -H 'if-match: "1"' -d '{"start":"2026-03-30T10:00:00","end":"2026-03-30T10:30:00"}'   # → 200 "version":2
# subscribe a calendar client to Ada's personal calendar: a secret feed token (shown once; only its
# SHA-256 is kept, and rotating again revokes it), then the .ics feed with no bearer token
FEED=$(curl -s -X POST "$E/scheduling/v1/calendars/personal:$ADA_ID/feed-token" -H "authorization: Bearer $ADA" |
  node -pe 'JSON.parse(require("fs").readFileSync(0)).url')   # → 201 {"token":…,"url":"/scheduling/v1/calendars/….ics?token=…"}
curl -s "$E$FEED"              # → BEGIN:VCALENDAR … RRULE:FREQ=WEEKLY;COUNT=4 … RECURRENCE-ID;TZID=Europe/Berlin:20260330T090000 …
# notifications: every system's events about Ada land in her inbox, newest first, each with a link
# and the ids it is about; the e-mails are in the mail UI ("Mail" in npm start's table)
for i in $(seq 30); do   # the consumer catches up (a moment)
  curl -s "$E/notifications/v1/notifications?limit=100" -H "authorization: Bearer $ADA" | grep -q '"title":"Order delivered"' && break; sleep 1
done
curl -s "$E/notifications/v1/notifications?limit=2" -H "authorization: Bearer $ADA"
# → {"items":[{"id":"…","category":"credential","title":"Credential issued",…,"link":"/registry/v1/credentials/…","read":false,…},…],"nextCursor":"…"}
NOTE=$(curl -s "$E/notifications/v1/notifications?limit=1" -H "authorization: Bearer $ADA" | node -pe 'JSON.parse(require("fs").readFileSync(0)).items[0].id')
curl -s -X PATCH $E/notifications/v1/notifications/$NOTE -H "authorization: Bearer $ADA" \
  -H 'content-type: application/json' -d '{"read":true}'                       # → 200 "read":true
curl -s $E/notifications/v1/notifications/unread-count -H "authorization: Bearer $ADA"   # → {"unread":…}
# live updates: a single-use ticket (valid 60 s) opens ws://localhost:8000/notifications/v1/stream?ticket=…
curl -s -X POST $E/notifications/v1/stream-tickets -H "authorization: Bearer $ADA"   # → 201 {"ticket":"…","expiresAt":"…"}
# a small script does that as Ada, places an order through the edge while the socket is open and
# waits (30 s at most) for its notification to arrive, then marks it read and sees that arrive too
node tools/examples/notifications-stream.mjs $E ada@example.com 'correct horse battery'
# → order … placed: 1 × Kettle (pending) … / notification: Order confirmed (read: false) / read-state: Order confirmed (read: true)
# web push (VAPID, RFC 8292): a browser subscribes with the service's public key
# (pushManager.subscribe({ userVisibleOnly: true, applicationServerKey })) and posts what it got, a
# push service endpoint and the device's keys (made here by node, as a browser would); push is off
# until turned on per category (PUT …/preferences {"order":{"push":true}})
curl -s $E/notifications/v1/push/vapid-public-key -H "authorization: Bearer $ADA"   # → {"publicKey":"B…"}
DEVICE=$(node -e 'const c = require("crypto"), d = c.createECDH("prime256v1"); d.generateKeys();
  console.log(JSON.stringify({ endpoint: "https://fcm.googleapis.com/fcm/send/readme-device",
    keys: { p256dh: d.getPublicKey("base64url"), auth: c.randomBytes(16).toString("base64url") } }))')
curl -s -X POST $E/notifications/v1/push-subscriptions -H "authorization: Bearer $ADA" \
  -H 'content-type: application/json' -d "$DEVICE"   # → 201 {"id":"…","endpoint":"https://fcm.googleapis.com/…","createdAt":"…"}
# only browsers' push services (NOTIFICATIONS_PUSH_ALLOWED_HOSTS): any other host is a 400 problem
curl -s -X POST $E/notifications/v1/push-subscriptions -H "authorization: Bearer $ADA" \
  -H 'content-type: application/json' -d "${DEVICE/fcm.googleapis.com/169.254.169.254}"   # → 400 PUSH_SUBSCRIPTION.ENDPOINT_NOT_ALLOWED
# forgot a password? → 202, the same answer for any address; the account's owner gets a single-use
# link (30 min) in the mail UI, whose page sets a new password and ends every session
curl -s -X POST $E/identity/v1/password-reset -H 'content-type: application/json' -d '{"email":"bo@example.com"}'
# change a password (the current one asked again) → 204: Bo's other sessions end and the security
# e-mail "Your password was changed" is in the mail UI and his inbox; security messages ignore
# opt-outs, like "New sign-in to your account" for a browser or network his account has not used
curl -s -X PUT $E/identity/v1/users/me/password -H "authorization: Bearer $BO" -H 'content-type: application/json' \
  -d '{"currentPassword":"correct horse battery","newPassword":"a brand new passphrase"}'   # → 204
# --- end ---

# The outcome the README promises.
expect_status() { # expect_status <status> <curl argument fragment>
  grep -qE "^$1 .*$2" "$statuses" || { echo "docs smoke: expected $1 for a request matching '$2'; got:" >&2; cat "$statuses" >&2; exit 1; }
}
uuid='^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
[[ $PRODUCT =~ $uuid && $ORDER =~ $uuid ]] || { echo "docs smoke: no product or order id (product '$PRODUCT', order '$ORDER')" >&2; exit 1; }
expect_status 202 '/identity/v1/users '
expect_status 201 '"sku":"KETTLE-1"'
expect_status 403 '"sku":"X"'
expect_status 200 "$E/commerce/v1/products\\?limit=20\$"
expect_status 401 "-X POST $E/commerce/v1/products -H content-type: application/json -d \\{\\}\$"
expect_status 400 '"sku":"",'
expect_status 202 "$E/commerce/v1/orders -H"
expect_status 201 "$E/commerce/v1/wallet/withdrawals"
expect_status 200 "$E/commerce/v1/orders/$ORDER/shipment"
expect_status 200 "$E/commerce/v1/orders/$ORDER/delivery"
expect_status 202 "$E/commerce/v1/orders/$ORDER/return"
expect_status 200 "$E/commerce/v1/reports/daily-sales.* -H accept: text/csv"
orders_today=$(command curl -s "$E/commerce/v1/reports/daily-sales?from=$(date -u +%F)&to=$(date -u +%F)" -H "authorization: Bearer $ADMIN" |
  node -pe 'JSON.parse(require("fs").readFileSync(0)).items.reduce((n, r) => n + r.orders, 0)')
[[ $orders_today -ge 1 ]] || { echo "docs smoke: today's daily sales report counts $orders_today orders, not the one confirmed" >&2; exit 1; }
expect_status 201 "$E/registry/v1/schema/create_def"
expect_status 200 "$E/registry/v1/schema/activate_def"
expect_status 201 "$E/registry/v1/entity/Student -H"
expect_status 200 "$E/registry/v1/entity/Student/search"
expect_status 200 "$E/registry/v1/entity/Student/$ASHA -H authorization: Bearer …"
expect_status 404 "$E/registry/v1/entity/Student/$ASHA"
expect_status 200 "-X PATCH $E/registry/v1/entity/Student/$ASHA .*ID-2"
expect_status 404 "-X PATCH $E/registry/v1/entity/Student/$ASHA .*ID-3"
command curl -s $E/registry/v1/entity/Student -H "authorization: Bearer $ADA" | grep -q "\"totalCount\":1,\"items\":\[{\"id\":\"$ASHA\"" ||
  { echo "docs smoke: Ada's list of her Student records is not exactly Asha's" >&2; exit 1; }
expect_status 200 "$E/registry/v1/entity/Student/$ASHA/history"
[[ $ASHA =~ $uuid ]] || { echo "docs smoke: no registry entity id ('$ASHA')" >&2; exit 1; }
expect_status 201 "$E/registry/v1/entity/Student/$ASHA/attestations"
expect_status 200 "$E/registry/v1/claims/$CLAIM/attest"
command curl -s $E/registry/v1/entity/Student/$ASHA -H "authorization: Bearer $ADA" | grep -q '"_osState":{"enrolment":"ATTESTED"}' ||
  { echo "docs smoke: Asha's entity does not show the enrolment attestation ATTESTED" >&2; exit 1; }
command curl -s "$E/registry/v1/credentials?entityId=$ASHA" -H "authorization: Bearer $ADA" | grep -q '"EnrolmentCredential"' ||
  { echo "docs smoke: the attestation did not issue Ada an EnrolmentCredential" >&2; exit 1; }
for i in $(seq 30); do   # notifications told Ada of the attestation and of the credential
  inbox=$(command curl -s "$E/notifications/v1/notifications?limit=100" -H "authorization: Bearer $ADA")
  [[ $inbox == *'"Attestation approved"'* && $inbox == *'"Credential issued"'* ]] && break
  [[ $i == 30 ]] && { echo "docs smoke: Ada's inbox lacks the attestation or credential notification" >&2; exit 1; }
  sleep 1
done
[[ $CRED =~ $uuid ]] || { echo "docs smoke: no credential id ('$CRED')" >&2; exit 1; }
expect_status 200 "$E/registry/v1/credentials/$CRED/revoke"
expect_status 200 "$E/registry/v1/credentials/$CRED -H authorization: Bearer … -H accept: text/html"
verdict=$(command curl -s -X POST $E/registry/v1/credentials/verify -H 'content-type: application/vc+jwt' --data-raw "$VC" |
  node -pe 'const v = JSON.parse(require("fs").readFileSync(0)); [v.valid, ...v.checks.map((c) => c.check + ":" + c.ok)].join(",")')
[[ $verdict == false,signature:true,validity:true,status:false ]] ||
  { echo "docs smoke: the revoked credential verifies as '$verdict', not false with only the status check failing" >&2; exit 1; }
timeline=$(command curl -s "$E/commerce/v1/orders/$ORDER/timeline" -H "authorization: Bearer $ADA" |
  node -pe 'JSON.parse(require("fs").readFileSync(0)).steps.map((s) => s.step).join(",")')
[[ $timeline == placed,*confirmed,shipped,delivered,return_requested* ]] ||
  { echo "docs smoke: the order's timeline is '$timeline', not placed … confirmed, shipped, delivered, return_requested …" >&2; exit 1; }
[[ $TASK =~ $uuid && $SUBTASK =~ $uuid ]] || { echo "docs smoke: no task ids (task '$TASK', subtask '$SUBTASK')" >&2; exit 1; }
expect_status 409 "-X POST $E/scheduling/v1/tasks/$TASK/complete -H"
expect_status 200 "$E/scheduling/v1/tasks/$TASK/complete\\?cascade=true"
expect_status 201 "$E/scheduling/v1/tasks/$FARES/attachments"
fares=$(command curl -s "$E/scheduling/v1/tasks?cf.route=Berlin-Vienna" -H "authorization: Bearer $ADA" |
  node -pe 'JSON.parse(require("fs").readFileSync(0)).items.map((t) => t.id + ":" + t.customFields.budget + ":" + t.attachments.map((a) => a.name)).join(",")')
[[ $fares == "$FARES:120:fares.pdf" ]] ||
  { echo "docs smoke: the list filtered by cf.route is '$fares', not the fares task with its budget and attachment" >&2; exit 1; }
expect_status 201 "-X POST $E/scheduling/v1/workspaces -H"
expect_status 200 "-X POST $E/scheduling/v1/workspaces/$TEAM/members"
expect_status 200 "$E/scheduling/v1/tasks\\?workspaceId=$TEAM"
expect_status 403 "-X PATCH $E/scheduling/v1/tasks/$SHARED"
expect_status 201 "$E/scheduling/v1/events -H"
expect_status 201 "/feed-token -H"
expect_status 200 "\\.ics\\?token="
done_tasks=$(command curl -s "$E/scheduling/v1/tasks?status=done" -H "authorization: Bearer $ADA" |
  node -pe 'JSON.parse(require("fs").readFileSync(0)).items.length')
[[ $done_tasks == 2 ]] || { echo "docs smoke: $done_tasks tasks done, not the task and its subtask" >&2; exit 1; }
occurrences=$(command curl -s "$E/scheduling/v1/events/occurrences?from=2026-03-20T00:00:00Z&to=2026-04-10T00:00:00Z" \
  -H "authorization: Bearer $ADA" | node -pe 'JSON.parse(require("fs").readFileSync(0)).items.map((i) => i.start).join(",")')
[[ $occurrences == 2026-03-23T08:00:00Z,2026-03-30T08:00:00Z,2026-04-06T07:00:00Z* ]] ||
  { echo "docs smoke: the event's occurrences are '$occurrences', not 08:00Z, the moved one at 08:00Z, then 07:00Z across DST" >&2; exit 1; }
expect_status 200 "-X PUT $E/scheduling/v1/events/$EVENT/occurrences/2026-03-30T09:00:00"
command curl -s "$E$FEED" | grep -q 'RECURRENCE-ID;TZID=Europe/Berlin:20260330T090000' ||
  { echo "docs smoke: the .ics feed has no RECURRENCE-ID for the moved occurrence" >&2; exit 1; }
inbox=$(command curl -s "$E/notifications/v1/notifications?limit=100" -H "authorization: Bearer $ADA" |
  node -pe 'JSON.parse(require("fs").readFileSync(0)).items.filter((n) => n.data.orderId === process.argv[1]).map((n) => n.title).reverse().join(",")' "$ORDER")
[[ $inbox == "Order confirmed,Order shipped,Order delivered"* ]] ||
  { echo "docs smoke: Ada's inbox about the order is '$inbox', not Order confirmed, shipped, delivered …" >&2; exit 1; }
expect_status 200 "-X PATCH $E/registry/v1/entity/Student/$ASHA .*ID-2"
expect_status 201 "$E/notifications/v1/stream-tickets"
expect_status 201 "$E/notifications/v1/push-subscriptions .*fcm.googleapis.com"
expect_status 400 "$E/notifications/v1/push-subscriptions .*169.254.169.254"
expect_status 202 "$E/identity/v1/password-reset"
expect_status 204 "-X PUT $E/identity/v1/users/me/password"
for i in $(seq 30); do   # notifications told Bo of the password change
  command curl -s "$E/notifications/v1/notifications?limit=100" -H "authorization: Bearer $BO" |
    grep -q '"title":"Your password was changed"' && break
  [[ $i == 30 ]] && { echo "docs smoke: Bo's inbox lacks the password-change notification" >&2; exit 1; }
  sleep 1
done
echo "docs smoke: README first session ok ($(wc -l <"$statuses") requests)"

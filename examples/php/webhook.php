<?php
// A minimal Kredivo webhook endpoint in plain PHP: verify, dedupe by event id, update the order.
//
//   MERCHANT_WEBHOOK_SECRET=… KREDIVO_DATA_DIR=/var/lib/shop php -S 127.0.0.1:8000 webhook.php
//
// Point the proxy's MERCHANT_WEBHOOK_URL at it. Orders live in one JSON file so the example
// runs anywhere; in your shop, kredivo_apply_event() is an UPDATE of your orders table and
// the event ids are a table with a unique key, both in one transaction.

declare(strict_types=1);

require_once __DIR__ . '/verify-webhook.php';

/** Largest body accepted; a real event is under 4 KB. */
const KREDIVO_WEBHOOK_MAX_BODY = 65536;

/**
 * Handles one delivery; returns [HTTP status, JSON answer]. 2xx tells the proxy "done" (also
 * for a duplicate); anything else makes it deliver the same event again later.
 *
 * @return array{0: int, 1: string}
 */
function kredivo_handle_webhook(string $rawBody, ?string $signature, string $secret, string $dataDir): array
{
    if (strlen($rawBody) > KREDIVO_WEBHOOK_MAX_BODY) {
        return [413, kredivo_json(['error' => 'body too large'])];
    }
    try {
        $event = kredivo_construct_webhook_event($rawBody, $signature, $secret);
    } catch (KredivoWebhookSignatureError $e) {
        error_log("kredivo webhook refused ({$e->reason}): {$e->getMessage()}");
        return [400, kredivo_json(['error' => "invalid signature: {$e->reason}"])];
    } catch (JsonException | UnexpectedValueException $e) {
        error_log('kredivo webhook: signed body is not an event: ' . $e->getMessage());
        return [400, kredivo_json(['error' => 'not a webhook event'])];
    }

    $data = $event['data'];
    $reference = $data['reference'] ?? null;
    if ($reference === null) {
        // Catalogue-mode orders (the widget's own cart) carry no merchant reference.
        return [200, kredivo_json(['received' => true, 'ignored' => 'no reference'])];
    }
    if (
        !is_string($reference) || strlen($reference) > 64 || strlen($event['id']) > 200
        || !is_string($data['status'] ?? null) || !is_string($data['amount'] ?? null)
    ) {
        error_log("kredivo webhook {$event['id']}: unexpected data shape");
        return [400, kredivo_json(['error' => 'unexpected event data'])];
    }

    try {
        $duplicate = kredivo_apply_event($dataDir, $event);
    } catch (Throwable $e) {
        // Not stored: a non-2xx answer makes the proxy try again later.
        error_log('kredivo webhook: could not store the event: ' . $e->getMessage());
        return [500, kredivo_json(['error' => 'could not store the event'])];
    }
    return [200, kredivo_json(['received' => true, 'duplicate' => $duplicate])];
}

/**
 * Records the event under an exclusive lock: returns true when its id was seen before (nothing
 * changes then). Statuses only move forward, so a late `order.pending` never un-pays an order.
 */
function kredivo_apply_event(string $dataDir, array $event): bool
{
    if (!is_dir($dataDir) && !mkdir($dataDir, 0700, true) && !is_dir($dataDir)) {
        throw new RuntimeException("cannot create {$dataDir}");
    }
    $lock = fopen("{$dataDir}/orders.lock", 'c');
    if ($lock === false || !flock($lock, LOCK_EX)) {
        throw new RuntimeException("cannot lock {$dataDir}/orders.lock");
    }
    try {
        $file = "{$dataDir}/orders.json";
        $db = is_file($file)
            ? json_decode((string) file_get_contents($file), true, 64, JSON_THROW_ON_ERROR)
            : ['orders' => [], 'events' => []];
        if (isset($db['events'][$event['id']])) {
            return true;
        }
        $data = $event['data'];
        $rank = ['created' => 0, 'pending' => 1, 'settled' => 2, 'denied' => 2, 'expired' => 2, 'cancelled' => 3, 'refunded' => 3];
        $ref = $data['reference'];
        $order = $db['orders'][$ref] ?? ['reference' => $ref, 'status' => 'created', 'events' => []];
        // In your shop: refuse to mark paid unless $data['amount'] === the amount you stored
        // (compare the strings; they are whole rupiah).
        if (($rank[$data['status']] ?? -1) >= ($rank[$order['status']] ?? 0)) {
            $order['status'] = $data['status'];
            $order['amount'] = $data['amount'];
            $order['cancelled_amount'] = $data['cancelled_amount'] ?? '0';
            $order['payment_type'] = $data['payment_type'] ?? null;
            $order['order_id'] = $data['order_id'] ?? null;
        }
        $order['events'][] = $event['id'];
        $db['orders'][$ref] = $order;
        $db['events'][$event['id']] = time();

        // Write a new file and rename it over the old one: a crash leaves the old or the new
        // file, never half of one.
        $tmp = "{$file}." . bin2hex(random_bytes(6)) . '.tmp';
        if (file_put_contents($tmp, kredivo_json($db), LOCK_EX) === false || !rename($tmp, $file)) {
            @unlink($tmp);
            throw new RuntimeException("cannot write {$file}");
        }
        return false;
    } finally {
        flock($lock, LOCK_UN);
        fclose($lock);
    }
}

function kredivo_json(array $value): string
{
    return json_encode($value, JSON_THROW_ON_ERROR | JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE);
}

// Serve only when a web server runs this file (php -S, PHP-FPM, mod_php); the tests include it.
if (PHP_SAPI !== 'cli') {
    $secret = (string) getenv('MERCHANT_WEBHOOK_SECRET');
    if ($_SERVER['REQUEST_METHOD'] !== 'POST') {
        header('Allow: POST');
        http_response_code(405);
        return;
    }
    if ($secret === '') {
        error_log('kredivo webhook: MERCHANT_WEBHOOK_SECRET is not set');
        http_response_code(500);
        return;
    }
    $body = (string) file_get_contents('php://input', false, null, 0, KREDIVO_WEBHOOK_MAX_BODY + 1);
    [$status, $answer] = kredivo_handle_webhook(
        $body,
        $_SERVER['HTTP_KREDIVO_SIGNATURE'] ?? null,
        $secret,
        getenv('KREDIVO_DATA_DIR') ?: __DIR__ . '/data'
    );
    http_response_code($status);
    header('Content-Type: application/json');
    echo $answer;
}

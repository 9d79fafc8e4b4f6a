<?php
// Verifies Kredivo checkout webhooks: `Kredivo-Signature: t=<unix seconds>,v1=<hex>` where
// v1 = HMAC-SHA256(MERCHANT_WEBHOOK_SECRET, "<t>.<raw body>"). Plain PHP 7.4 or later, no
// extensions beyond the always-present hash and json: copy this file into your project.
//
// Rules, the same in examples/node-merchant/verify.js and checked by examples/webhook-vectors.json:
// - verify the RAW body (file_get_contents('php://input'), Laravel's $request->getContent()),
//   never $_POST or a re-encoded json_decode() result;
// - the header may carry several `v1=` entries while the secret is rotated: one match is enough;
// - compare in constant time (hash_equals);
// - reject a timestamp more than 300 seconds from now (either way): a captured request cannot be
//   replayed later, and within the window you dedupe by event id.

declare(strict_types=1);

const KREDIVO_WEBHOOK_TOLERANCE_SECONDS = 300;

/**
 * Why a webhook was refused. $reason is one of missing_header, malformed_header, no_signature,
 * signature_mismatch, timestamp_outside_tolerance; answer such a request with 400.
 */
final class KredivoWebhookSignatureError extends RuntimeException
{
    /** @var string */
    public $reason;

    public function __construct(string $reason, string $message)
    {
        parent::__construct($message);
        $this->reason = $reason;
    }
}

/**
 * Throws KredivoWebhookSignatureError unless $header signs $rawBody with $secret within the
 * tolerance; returns the signed timestamp.
 *
 * @param string      $rawBody the request body exactly as received
 * @param string|null $header  $_SERVER['HTTP_KREDIVO_SIGNATURE'] ?? null
 * @param string      $secret  MERCHANT_WEBHOOK_SECRET
 * @param int|null    $now     unix seconds; null means time() (tests pass their own)
 */
function kredivo_verify_webhook_signature(
    string $rawBody,
    ?string $header,
    string $secret,
    ?int $now = null,
    int $toleranceSeconds = KREDIVO_WEBHOOK_TOLERANCE_SECONDS
): int {
    if ($secret === '') {
        // A configuration mistake, not a bad request: fail loudly instead of "verifying" with ''.
        throw new InvalidArgumentException('the webhook secret is empty: set MERCHANT_WEBHOOK_SECRET');
    }
    $now = $now ?? time();
    [$timestamp, $signatures] = kredivo_parse_signature_header($header);

    $expected = hash_hmac('sha256', $timestamp . '.' . $rawBody, $secret);
    $matched = false;
    foreach ($signatures as $candidate) {
        // Constant time for strings of equal length: both are 64 lowercase hex digits.
        if (hash_equals($expected, $candidate)) {
            $matched = true;
        }
    }
    if (!$matched) {
        throw new KredivoWebhookSignatureError(
            'signature_mismatch',
            'no v1 signature matches this body: wrong secret, or the body was changed (verify the raw bytes, before json_decode)'
        );
    }
    if (abs($now - $timestamp) > $toleranceSeconds) {
        throw new KredivoWebhookSignatureError(
            'timestamp_outside_tolerance',
            sprintf(
                "the signature's timestamp %d is %d s from now (at most %d s allowed): a replay, or this server's clock is wrong",
                $timestamp,
                $now - $timestamp,
                $toleranceSeconds
            )
        );
    }
    return $timestamp;
}

/**
 * Verifies like kredivo_verify_webhook_signature, then decodes the body: returns the event
 * ['id' => …, 'type' => …, 'created' => …, 'data' => […]]. Throws KredivoWebhookSignatureError
 * for a bad signature and JsonException / UnexpectedValueException for a signed body that is
 * not an event.
 */
function kredivo_construct_webhook_event(
    string $rawBody,
    ?string $header,
    string $secret,
    ?int $now = null,
    int $toleranceSeconds = KREDIVO_WEBHOOK_TOLERANCE_SECONDS
): array {
    kredivo_verify_webhook_signature($rawBody, $header, $secret, $now, $toleranceSeconds);
    $event = json_decode($rawBody, true, 32, JSON_THROW_ON_ERROR);
    if (
        !is_array($event)
        || !isset($event['id'], $event['type'], $event['data'])
        || !is_string($event['id']) || $event['id'] === ''
        || !is_string($event['type'])
        || !is_array($event['data'])
    ) {
        throw new UnexpectedValueException('the signed body is not a webhook event ({id, type, created, data})');
    }
    return $event;
}

/**
 * "t=1767225600, v1=ab…,v1=cd…" → [timestamp, [lowercase hex, …]].
 *
 * @return array{0: int, 1: list<string>}
 */
function kredivo_parse_signature_header(?string $header): array
{
    if ($header === null || $header === '') {
        throw new KredivoWebhookSignatureError('missing_header', 'no Kredivo-Signature header');
    }
    // A real header is about 80 bytes per signature; anything this long is not one.
    if (strlen($header) > 4096) {
        throw new KredivoWebhookSignatureError('malformed_header', 'Kredivo-Signature is longer than 4096 characters');
    }
    $timestamp = null;
    $signatures = [];
    foreach (explode(',', $header) as $item) {
        $eq = strpos($item, '=');
        if ($eq === false) {
            throw new KredivoWebhookSignatureError(
                'malformed_header',
                sprintf('Kredivo-Signature item "%s" is not key=value', kredivo_clip($item))
            );
        }
        // HTTP's optional whitespace: space and tab, as in the Node verifier.
        $key = trim(substr($item, 0, $eq), " \t");
        $value = trim(substr($item, $eq + 1), " \t");
        if ($key === 't') {
            if ($timestamp !== null) {
                throw new KredivoWebhookSignatureError('malformed_header', 'Kredivo-Signature names t more than once');
            }
            if (preg_match('/\A[0-9]{1,12}\z/', $value) !== 1) {
                throw new KredivoWebhookSignatureError(
                    'malformed_header',
                    sprintf('Kredivo-Signature t="%s" is not unix seconds', kredivo_clip($value))
                );
            }
            $timestamp = (int) $value;
        } elseif ($key === 'v1') {
            if (preg_match('/\A[0-9a-fA-F]{64}\z/', $value) !== 1) {
                throw new KredivoWebhookSignatureError(
                    'malformed_header',
                    sprintf('Kredivo-Signature v1="%s" is not 64 hex digits', kredivo_clip($value))
                );
            }
            if (count($signatures) === 8) {
                throw new KredivoWebhookSignatureError('malformed_header', 'Kredivo-Signature carries more than 8 v1 entries');
            }
            $signatures[] = strtolower($value);
        }
        // Other keys (a future v2 scheme) are ignored, so a sender can add one without
        // breaking receivers that only know v1.
    }
    if ($timestamp === null) {
        throw new KredivoWebhookSignatureError('malformed_header', 'Kredivo-Signature has no t=<unix seconds>');
    }
    if ($signatures === []) {
        throw new KredivoWebhookSignatureError('no_signature', 'Kredivo-Signature has no v1 signature');
    }
    return [$timestamp, $signatures];
}

function kredivo_clip(string $s): string
{
    return strlen($s) > 40 ? substr($s, 0, 40) . '…' : $s;
}

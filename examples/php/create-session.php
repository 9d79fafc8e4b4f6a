<?php
// Creates a Kredivo checkout session from your PHP backend: POST {PROXY_URL}/api/kredivo/v1/sessions
// with your MERCHANT_API_KEY. Plain PHP 7.4 or later (allow_url_fopen, on by default); no curl
// extension needed. The answer's client_secret goes into the page; the key never does.
//
//   PROXY_URL=http://127.0.0.1:8080 MERCHANT_API_KEY=… php create-session.php   # a sample session

declare(strict_types=1);

/** The proxy refused or could not be reached; $code is its error code, $details its field paths. */
final class KredivoSessionError extends RuntimeException
{
    /** @var string */
    public $errorCode;
    /** @var list<string> */
    public $details;
    /** @var int */
    public $status;

    public function __construct(int $status, string $errorCode, string $message, array $details = [])
    {
        parent::__construct($message);
        $this->status = $status;
        $this->errorCode = $errorCode;
        $this->details = $details;
    }
}

/**
 * Returns the proxy's SessionCreated: ['session_id', 'client_secret', 'amount', 'currency',
 * 'expires_at', 'payment_types']. Money in $session is strings of whole rupiah ("598000").
 * Send your order reference as $idempotencyKey: retrying with it returns the same session.
 */
function kredivo_create_session(string $proxyUrl, string $apiKey, array $session, string $idempotencyKey): array
{
    $context = stream_context_create(['http' => [
        'method' => 'POST',
        'header' => implode("\r\n", [
            "Authorization: Bearer {$apiKey}",
            'Content-Type: application/json',
            'Accept: application/json',
            "Idempotency-Key: {$idempotencyKey}",
        ]),
        'content' => json_encode($session, JSON_THROW_ON_ERROR | JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE),
        'timeout' => 10,
        'ignore_errors' => true, // read the JSON error body of a 4xx/5xx too
        'follow_location' => 0,
    ]]);
    $body = @file_get_contents(rtrim($proxyUrl, '/') . '/api/kredivo/v1/sessions', false, $context, 0, 262144);
    if ($body === false) {
        throw new KredivoSessionError(0, 'unreachable', "cannot reach the proxy at {$proxyUrl}");
    }
    // $http_response_header is set by file_get_contents: its first line is "HTTP/1.1 201 Created".
    $status = (int) (explode(' ', $http_response_header[0] ?? '', 3)[1] ?? 0);
    $json = json_decode($body, true);
    if ($status !== 201) {
        $error = is_array($json) && is_array($json['error'] ?? null) ? $json['error'] : [];
        throw new KredivoSessionError(
            $status,
            (string) ($error['code'] ?? 'bad_response'),
            (string) ($error['message'] ?? "the proxy answered {$status}"),
            array_values(array_filter((array) ($error['details'] ?? []), 'is_string'))
        );
    }
    if (!is_array($json) || !is_string($json['client_secret'] ?? null) || ($json['amount'] ?? null) !== $session['amount']) {
        throw new KredivoSessionError($status, 'bad_response', 'the proxy answered 201 without a session for this amount');
    }
    return $json;
}

// Run from the command line: create a sample session and print the answer.
if (PHP_SAPI === 'cli' && realpath($_SERVER['SCRIPT_FILENAME'] ?? '') === __FILE__) {
    $reference = 'INV-' . date('Ymd') . '-' . bin2hex(random_bytes(8));
    try {
        $created = kredivo_create_session((string) getenv('PROXY_URL'), (string) getenv('MERCHANT_API_KEY'), [
            'reference' => $reference,
            'amount' => '598000',
            'items' => [['id' => 'sku-1', 'name' => 'Kemeja', 'price' => '289000', 'quantity' => 2, 'type' => 'Fashion']],
            'fees' => [['id' => 'shippingfee', 'name' => 'Ongkir', 'price' => '20000']],
            'customer' => ['first_name' => 'Budi', 'last_name' => 'Santoso', 'email' => 'budi@example.co.id', 'phone' => '081234567890'],
            'shipping_address' => ['first_name' => 'Budi', 'address' => 'Jl. Sudirman 1', 'city' => 'Jakarta',
                'postal_code' => '10220', 'phone' => '081234567890', 'country_code' => 'IDN'],
        ], $reference);
    } catch (KredivoSessionError $e) {
        fwrite(STDERR, "session refused ({$e->status} {$e->errorCode}): {$e->getMessage()}\n");
        foreach ($e->details as $d) {
            fwrite(STDERR, "  {$d}\n");
        }
        exit(1);
    }
    echo json_encode($created, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES), "\n";
}

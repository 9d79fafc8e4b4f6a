<?php
// Tests of the PHP verifier (verify-webhook.php) and the example endpoint (webhook.php):
//
//   php examples/php/verify-test.php
//
// A plain script so it runs wherever php-cli does: one line per test, a cargo-style summary
// (`test result: ok. N passed; 0 failed`), exit status 1 when anything failed.

declare(strict_types=1);

require __DIR__ . '/verify-webhook.php';
require __DIR__ . '/webhook.php';

$passed = 0;
$failed = 0;

function check(string $name, callable $body): void
{
    global $passed, $failed;
    try {
        $body();
        $passed++;
        echo "test {$name} ... ok\n";
    } catch (Throwable $e) {
        $failed++;
        echo "test {$name} ... FAILED\n    " . get_class($e) . ': ' . $e->getMessage() . "\n";
    }
}

function assert_same($expected, $actual, string $what = ''): void
{
    if ($expected !== $actual) {
        throw new RuntimeException(sprintf(
            '%sexpected %s, got %s',
            $what === '' ? '' : "{$what}: ",
            var_export($expected, true),
            var_export($actual, true)
        ));
    }
}

function assert_throws(string $class, callable $body, ?callable $inspect = null): void
{
    try {
        $body();
    } catch (Throwable $e) {
        if (!($e instanceof $class)) {
            throw new RuntimeException("expected {$class}, got " . get_class($e) . ': ' . $e->getMessage());
        }
        if ($inspect !== null) {
            $inspect($e);
        }
        return;
    }
    throw new RuntimeException("expected {$class}, nothing was thrown");
}

function sign(string $secret, int $t, string $body): string
{
    return "t={$t},v1=" . hash_hmac('sha256', "{$t}.{$body}", $secret);
}

// ---- the shared vectors ----
$vectors = json_decode((string) file_get_contents(__DIR__ . '/../webhook-vectors.json'), true, 32, JSON_THROW_ON_ERROR);
foreach ($vectors['vectors'] as $v) {
    check("vector: {$v['name']}", function () use ($v): void {
        try {
            kredivo_verify_webhook_signature($v['raw_body'], $v['header'], $v['secret'], $v['now']);
            $verdict = ['valid' => true];
        } catch (KredivoWebhookSignatureError $e) {
            $verdict = ['valid' => false, 'reason' => $e->reason];
        }
        assert_same($v['expected'], $verdict);
    });
}

$first = $vectors['vectors'][0];

check('the verifier uses the clock when no now is given', function (): void {
    $body = '{"id":"evt_clock","type":"order.pending","created":1,"data":{}}';
    $now = time();
    assert_same($now, kredivo_verify_webhook_signature($body, sign('s3cret', $now, $body), 's3cret'));
    assert_throws(KredivoWebhookSignatureError::class, function () use ($body, $now): void {
        kredivo_verify_webhook_signature($body, sign('s3cret', $now - 3600, $body), 's3cret');
    }, function (KredivoWebhookSignatureError $e): void {
        assert_same('timestamp_outside_tolerance', $e->reason);
    });
});

check('an empty secret is a configuration error, not a verdict', function () use ($first): void {
    assert_throws(InvalidArgumentException::class, function () use ($first): void {
        kredivo_verify_webhook_signature($first['raw_body'], $first['header'], '', $first['now']);
    });
});

check('kredivo_construct_webhook_event returns the decoded event of a valid vector', function () use ($first): void {
    $event = kredivo_construct_webhook_event($first['raw_body'], $first['header'], $first['secret'], $first['now']);
    assert_same('order.settled', $event['type']);
    assert_same('598000', $event['data']['amount']);
});

check('kredivo_construct_webhook_event refuses a correctly signed body that is not an event', function (): void {
    assert_throws(UnexpectedValueException::class, function (): void {
        kredivo_construct_webhook_event('{"hello":"world"}', sign('s3cret', 100, '{"hello":"world"}'), 's3cret', 100);
    });
    assert_throws(JsonException::class, function (): void {
        kredivo_construct_webhook_event('not json', sign('s3cret', 100, 'not json'), 's3cret', 100);
    });
});

// ---- the endpoint (webhook.php) ----
function fresh_dir(): string
{
    $dir = sys_get_temp_dir() . '/kredivo-php-test-' . bin2hex(random_bytes(6));
    mkdir($dir, 0700, true);
    return $dir;
}

function remove_dir(string $dir): void
{
    foreach (new RecursiveIteratorIterator(
        new RecursiveDirectoryIterator($dir, FilesystemIterator::SKIP_DOTS),
        RecursiveIteratorIterator::CHILD_FIRST
    ) as $f) {
        $f->isDir() ? rmdir($f->getPathname()) : unlink($f->getPathname());
    }
    rmdir($dir);
}

function event_body(string $id, string $type, string $status, string $reference = 'INV-PHP-1'): string
{
    return json_encode([
        'id' => $id, 'type' => $type, 'created' => time(),
        'data' => [
            'order_id' => 'KD-1', 'session_id' => 'ses_1', 'reference' => $reference,
            'status' => $status, 'amount' => '598000', 'cancelled_amount' => '0',
            'currency' => 'IDR', 'payment_type' => '3_months', 'gateway' => 'kredivo',
        ],
    ], JSON_THROW_ON_ERROR);
}

check('the endpoint records a settled order once and answers a redelivery with 200', function (): void {
    $dir = fresh_dir();
    try {
        $body = event_body('evt_php_1', 'order.settled', 'settled');
        $header = sign('endpoint-secret', time(), $body);
        [$status, $answer] = kredivo_handle_webhook($body, $header, 'endpoint-secret', $dir);
        assert_same(200, $status, 'first delivery');
        assert_same(['received' => true, 'duplicate' => false], json_decode($answer, true));
        $order = json_decode((string) file_get_contents("{$dir}/orders.json"), true)['orders']['INV-PHP-1'];
        assert_same('settled', $order['status']);
        assert_same('598000', $order['amount']);
        assert_same(['evt_php_1'], $order['events']);

        [$status, $answer] = kredivo_handle_webhook($body, $header, 'endpoint-secret', $dir);
        assert_same(200, $status, 'redelivery');
        assert_same(['received' => true, 'duplicate' => true], json_decode($answer, true));
        $order = json_decode((string) file_get_contents("{$dir}/orders.json"), true)['orders']['INV-PHP-1'];
        assert_same(['evt_php_1'], $order['events'], 'events after the redelivery');
    } finally {
        remove_dir($dir);
    }
});

check('the endpoint refuses a tampered body with 400 and records nothing', function (): void {
    $dir = fresh_dir();
    try {
        $body = event_body('evt_php_2', 'order.settled', 'settled');
        $header = sign('endpoint-secret', time(), $body);
        [$status] = kredivo_handle_webhook(str_replace('598000', '1', $body), $header, 'endpoint-secret', $dir);
        assert_same(400, $status);
        assert_same(false, file_exists("{$dir}/orders.json"));
    } finally {
        remove_dir($dir);
    }
});

check('the endpoint does not move a settled order back to pending', function (): void {
    $dir = fresh_dir();
    try {
        foreach ([['evt_a', 'order.settled', 'settled'], ['evt_b', 'order.pending', 'pending']] as [$id, $type, $st]) {
            $body = event_body($id, $type, $st);
            [$status] = kredivo_handle_webhook($body, sign('endpoint-secret', time(), $body), 'endpoint-secret', $dir);
            assert_same(200, $status, $id);
        }
        $order = json_decode((string) file_get_contents("{$dir}/orders.json"), true)['orders']['INV-PHP-1'];
        assert_same('settled', $order['status']);
    } finally {
        remove_dir($dir);
    }
});

check('the endpoint acknowledges and ignores an event for an order without a merchant reference', function (): void {
    $dir = fresh_dir();
    try {
        $body = json_encode(['id' => 'evt_cat', 'type' => 'order.settled', 'created' => time(),
            'data' => ['order_id' => 'KD-2', 'status' => 'settled', 'amount' => '1000']], JSON_THROW_ON_ERROR);
        [$status, $answer] = kredivo_handle_webhook($body, sign('endpoint-secret', time(), $body), 'endpoint-secret', $dir);
        assert_same(200, $status);
        assert_same('no reference', json_decode($answer, true)['ignored']);
        assert_same(false, file_exists("{$dir}/orders.json"));
    } finally {
        remove_dir($dir);
    }
});

$result = $failed === 0 ? 'ok' : 'FAILED';
echo "\ntest result: {$result}. {$passed} passed; {$failed} failed\n";
exit($failed === 0 ? 0 : 1);

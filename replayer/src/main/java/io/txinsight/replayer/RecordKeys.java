package io.txinsight.replayer;

import io.txinsight.events.BusinessEvent;
import io.txinsight.events.EventType;
import io.txinsight.events.RecordKey;
import io.txinsight.events.ScenarioCodec;
import io.txinsight.events.ScenarioFormatException;
import io.txinsight.events.ScenarioReader;
import io.txinsight.events.ScenarioRecord;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The key each replayed record gets: the one the file records (the default), or the record's
 * {@code txn_id}, or its transaction's account ({@code --key}).
 *
 * <p>Every event of a transaction must get the account, also the ones published before the open
 * that names it (out of order), so keying by account reads the file's opens first: one map entry
 * per transaction. A record with no business event (a malformed one), or of a transaction whose
 * open names no account, keeps its recorded key or its txn_id.
 */
final class RecordKeys {

    private static final RecordKeys AS_RECORDED = new RecordKeys(null, Map.of());

    private final RecordKey key;
    private final Map<String, String> accounts;

    private RecordKeys(RecordKey key, Map<String, String> accounts) {
        this.key = key;
        this.accounts = accounts;
    }

    /** The keys for {@code key} (null: as recorded), reading the accounts of {@code file} if needed. */
    static RecordKeys of(RecordKey key, Path file, ScenarioCodec codec) throws IOException, ScenarioFormatException {
        if (key == null) {
            return AS_RECORDED;
        }
        Map<String, String> accounts = new HashMap<>();
        if (key == RecordKey.ACCOUNT) {
            try (ScenarioReader reader = new ScenarioReader(file, codec)) {
                ScenarioRecord r;
                while ((r = reader.next()) != null) {
                    BusinessEvent e = r.event();
                    if (e != null && e.eventType() == EventType.TRANSACTION_OPEN
                            && e.attributes() != null && e.attributes().get("account") instanceof String account) {
                        accounts.putIfAbsent(e.txnId(), account);
                    }
                }
            }
        }
        return new RecordKeys(key, accounts);
    }

    /** Whether keys differ from the recorded ones, so records must be decoded to find them. */
    boolean rewrites() {
        return key != null;
    }

    String keyOf(ScenarioRecord r) {
        BusinessEvent e = r.event();
        if (key == null || e == null) {
            return r.key();
        }
        return key.of(e, accounts.get(e.txnId()));
    }
}

package io.txinsight.job.tracker;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CommittedViewTest {

    @Test
    void hasPassedOnlyOffsetsBelowTheHighestCommittedOneOfThatPartition() {
        CommittedView view = new CommittedView();
        view.committed("events", 2, 40, 1_000, 5_000);

        assertTrue(view.hasPassed("events", 2, 39));
        assertFalse(view.hasPassed("events", 2, 40), "the record itself is not passed");
        assertFalse(view.hasPassed("events", 1, 0), "another partition");
        assertFalse(view.hasPassed("other", 2, 0), "another topic");
    }

    @Test
    void isMovingWhileItsHighestOffsetWentFurtherWithinTheWindow() {
        CommittedView view = new CommittedView();
        assertFalse(view.moving("events", 0, 5_000, 1_000), "nothing committed seen: still, ask Kafka");

        view.committed("events", 0, 10, 1_000, 5_000);
        assertTrue(view.moving("events", 0, 5_999, 1_000));
        assertFalse(view.moving("events", 0, 6_000, 1_000), "still for the whole window");
        assertFalse(view.moving("events", 1, 5_000, 1_000), "another partition never moved");

        view.committed("events", 0, 9, 1_100, 6_500);
        assertFalse(view.moving("events", 0, 6_500, 1_000), "an older offset does not move it");

        view.committed("events", 0, 11, 1_200, 7_000);
        assertTrue(view.moving("events", 0, 7_500, 1_000));
    }

    @Test
    void aPartitionSeenLaterGetsItsOwnClock() {
        CommittedView view = new CommittedView();
        view.committed("events", 0, 10, 1_000, 5_000);
        view.committed("events", 3, 7, 1_000, 8_000);

        assertTrue(view.moving("events", 3, 8_500, 1_000));
        assertTrue(view.moving("events", 0, 5_500, 1_000), "growing the table kept partition 0's clock");
        assertTrue(view.hasPassed("events", 0, 9));
    }
}

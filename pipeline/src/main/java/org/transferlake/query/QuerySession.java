package org.transferlake.query;

import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.transferlake.backbone.ModelStore;
import org.transferlake.config.TransferlakeException;
import org.transferlake.lake.Lake;
import org.transferlake.lake.Tables;

/** A session for people querying the lake: its tables by name, and the views for the configured backbone. */
public final class QuerySession {
    private static final Logger LOG = LoggerFactory.getLogger(QuerySession.class);

    private QuerySession() {}

    /**
     * Registers the lake's tables in the session's catalog and defines its views for the configured
     * backbone, whose id this computes (a digest of its files); without the views when it cannot.
     */
    public static List<Tables.Registration> attach(Lake lake) {
        Optional<String> backboneId;
        try {
            backboneId = Optional.of(ModelStore.configuredBackboneId(
                    lake.config(), lake.spark().sparkContext().hadoopConfiguration()));
        } catch (TransferlakeException e) {
            // The tables are worth having without the views: a model out of reach must not cost the session.
            LOG.warn("No views: {}", e.getMessage());
            backboneId = Optional.empty();
        }
        return new Tables(lake.spark(), lake.root()).registerAll(backboneId);
    }
}

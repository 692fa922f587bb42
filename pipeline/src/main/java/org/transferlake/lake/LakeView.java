package org.transferlake.lake;

import java.util.List;

/**
 * Views over the tables for the questions asked most, registered beside them. Both are of the
 * configured backbone, whose id the view definitions hold: registering them again after the
 * backbone changes points them at the new feature space.
 */
public enum LakeView {
    /** The configured backbone's rows of {@code features}. */
    FEATURES_CURRENT(
            "features_current",
            "The configured backbone's rows of features: one feature space",
            List.of(LakeTable.FEATURES)) {
        @Override
        String query(String backboneId) {
            return "SELECT * FROM " + LakeTable.FEATURES.qualifiedName() + " WHERE backbone_id = "
                    + Tables.sqlString(backboneId);
        }
    },
    /** The champion's prediction per image, where it scored the bytes the features hold now. */
    LATEST_PREDICTIONS(
            "latest_predictions",
            "The current prediction per image of the configured backbone's champion head; an image whose bytes"
                    + " changed since it was scored is left out until it is scored again",
            List.of(LakeTable.PREDICTIONS, LakeTable.HEADS, LakeTable.FEATURES)) {
        @Override
        String query(String backboneId) {
            return "SELECT p.path, p.label, p.probability, p.top_k, p.head_id, h.backbone_id, p.content_sha256,"
                    + " p.run_id, p.scored_at"
                    + " FROM " + LakeTable.PREDICTIONS.qualifiedName() + " p"
                    + " JOIN " + LakeTable.HEADS.qualifiedName() + " h ON h.head_id = p.head_id"
                    + " AND h.status = 'champion' AND h.backbone_id = " + Tables.sqlString(backboneId)
                    + " JOIN " + LakeTable.FEATURES.qualifiedName() + " f ON f.path = p.path"
                    + " AND f.backbone_id = h.backbone_id AND f.content_sha256 = p.content_sha256";
        }
    };

    private final String viewName;
    private final String comment;
    private final List<LakeTable> tables;

    LakeView(String viewName, String comment, List<LakeTable> tables) {
        this.viewName = viewName;
        this.comment = comment;
        this.tables = tables;
    }

    /** The view's SQL for the backbone {@code backboneId}. */
    abstract String query(String backboneId);

    public String qualifiedName() {
        return LakeTable.DATABASE + "." + viewName;
    }

    public String comment() {
        return comment;
    }

    /** The tables it reads: it is registered once all of them exist. */
    public List<LakeTable> tables() {
        return tables;
    }
}

/**
 * hostd's persistent state and all of its SQL.
 *
 * <p>{@link org.hostctl.server.store.Database#open(String)} pools a SQLite file or a PostgreSQL database and
 * migrates it with the versioned scripts in {@code db/migration} ({@code V<n>__<desc>.sql}, never edited once
 * released). The scripts are plain SQL that runs unchanged on both dialects: TEXT keys, INTEGER 0/1 booleans,
 * and timestamps as ISO-8601 UTC text with second precision.
 *
 * <p>Repositories take the {@code Database} in their constructor, bind every value as a parameter, write in
 * short {@link org.hostctl.server.store.Database#tx transactions}, and turn key violations into
 * {@link org.hostctl.server.store.DuplicateException} and missing referenced rows into
 * {@link org.hostctl.server.store.NotFoundException}; other failures surface as
 * {@link org.hostctl.server.store.StoreException}.
 */
package org.hostctl.server.store;

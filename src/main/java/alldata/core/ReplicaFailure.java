package alldata.core;

/** Why a replica was given up on. */
public enum ReplicaFailure {
    /** The node answered with an error (storage failure, unreachable, rejected command). */
    ERROR,
    /** The node already holds a different event under the key; it is never overwritten. */
    CONFLICT,
    /** The node did not answer before the replica's deadline. */
    TIMEOUT
}

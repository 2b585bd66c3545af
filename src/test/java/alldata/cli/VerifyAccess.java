package alldata.cli;

import java.util.Map;

/** Test access to the verify command's store reader. */
public final class VerifyAccess {
    private VerifyAccess() {
    }

    public static Map<String, byte[]> readAll(String httpAddress) throws Exception {
        return VerifyCommand.readAll(httpAddress);
    }
}

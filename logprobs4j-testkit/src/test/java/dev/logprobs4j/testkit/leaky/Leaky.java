package dev.logprobs4j.testkit.leaky;

import dev.logprobs4j.testkit.leaky.internal.Base;
import java.util.List;

/** A public class that leaks its internal package in each way {@code ApiSurface} looks for. */
public class Leaky extends Base {
    public List<? extends Base> bases;

    public Leaky(Base from) {
    }

    protected Base[] many() {
        return new Base[0];
    }

    private Base hidden() {
        return this;
    }
}

package dev.runmetrics.archfixture.flow;

import dev.runmetrics.archfixture.model.Order;

/** The other half of the planted cycle: a flow type that uses the model, as flow may. */
public final class Checkout {

    /** Returns the step {@code order} is at. */
    public String step(Order order) {
        return order == null ? "none" : "pay";
    }
}

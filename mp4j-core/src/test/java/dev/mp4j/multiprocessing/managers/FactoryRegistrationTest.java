package dev.mp4j.multiprocessing.managers;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.Serial;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * API.md, Completing Python's API, item 7: {@code register(typeid, factory, proxyInterface, exposed,
 * methodToTypeid)}, Python's {@code register(typeid, callable, proxytype, exposed, method_to_typeid)} for a
 * typeid made from {@code create}'s arguments (CPython's {@code _TestMyManager} with a callable that takes
 * arguments).
 */
@Timeout(60)
class FactoryRegistrationTest {

    /** What the typed proxies of {@link Account} implement. */
    public interface Deposits {
        int deposit(int amount);

        int balance();
    }

    /** A referent made from create()'s arguments, with a method that is not to be exposed. */
    public static final class Account implements Serializable {
        @Serial
        private static final long serialVersionUID = 1L;
        private int balance;

        Account(int opening) {
            this.balance = opening;
        }

        public synchronized int deposit(int amount) {
            balance += amount;
            return balance;
        }

        public synchronized int balance() {
            return balance;
        }

        public synchronized void drain() {
            balance = 0;
        }

        /** @return a new account whose opening balance is this one's: kept in the server by methodToTypeid */
        public synchronized Account split() {
            return new Account(balance);
        }

        public Iterator<Integer> history(int n) {
            return IntStream.range(0, n).map(i -> balance + i).iterator();
        }
    }

    static final class BankManager extends BaseManager {
        BankManager() {
            register("Account", args -> new Account((Integer) args[0]), Deposits.class,
                    List.of("deposit", "balance", "split", "history"),
                    Map.of("split", "Account", "history", "Iterator"));
            register("Open", args -> new Account((Integer) args[0]), null, null, null);
            register("Iterator", null, Iterator.class, List.of("hasNext", "next"), null, false);
        }
    }

    private static List<Integer> drain(Iterator<Integer> it) {
        List<Integer> out = new ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }

    @Test
    void aFactoryTypeidLimitedToItsExposedMethods() {
        try (BankManager manager = new BankManager()) {
            manager.start();
            Deposits account = manager.create("Account", Deposits.class, 100);
            assertEquals(150, account.deposit(50));
            assertEquals(150, account.balance());
            BaseProxy base = BaseProxy.of(account);
            RemoteError notExposed = assertThrows(RemoteError.class, () -> base.callMethod("drain"));
            assertTrue(notExposed.getMessage().contains("'drain'") && notExposed.getMessage().contains("not in exposed"),
                    notExposed::getMessage);
            assertEquals(150, account.balance());

            // methodToTypeid: the result stays in the server, typed by the proxyInterface of its typeid
            Object split = base.callMethod("split");
            Deposits other = assertInstanceOf(Deposits.class, split);
            assertEquals(160, other.deposit(10));
            assertEquals(150, account.balance());
            assertThrows(RemoteError.class, () -> BaseProxy.of(other).callMethod("drain"));
            @SuppressWarnings("unchecked")
            Iterator<Integer> history = (Iterator<Integer>) base.callMethod("history", 3);
            assertEquals(List.of(150, 151, 152), drain(history));

            // the same factory, registered without options: every public method, copies for results
            BaseProxy open = manager.createProxy("Open", 7);
            open.callMethod("drain");
            assertEquals(0, open.callMethod("balance"));
            assertInstanceOf(Account.class, open.callMethod("split"));
        }
    }

    @Test
    void badRegistrations() {
        BaseManager manager = new BaseManager();
        NullPointerException npe = assertThrows(NullPointerException.class,
                () -> manager.register("X", (dev.mp4j.function.SerializableFunction<Object[], ?>) null, null, null,
                        null));
        assertTrue(npe.getMessage().contains("factory"), npe.getMessage());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> manager.register("X", args -> new Account(0), Account.class, null, null));
        assertTrue(e.getMessage().contains(Account.class.getName()), e.getMessage());
        try (manager) {
            manager.start();
            assertThrows(IllegalStateException.class,
                    () -> manager.register("Late", args -> new Account(0), null, List.of("balance"), null));
        }
    }
}

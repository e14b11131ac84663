package org.hostctl.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class AddressesTest {
    @Test
    void domains_are_lower_case_without_the_trailing_dot_and_idn_becomes_a_labels() {
        assertThat(Addresses.domain("Example.COM.")).isEqualTo("example.com");
        assertThat(Addresses.domain(" exämple.com ")).isEqualTo("xn--exmple-cua.com");
        assertThat(Addresses.domain("XN--EXMPLE-CUA.com")).isEqualTo("xn--exmple-cua.com");
        assertThat(Addresses.domain("ｅｘａｍｐｌｅ.com")).isEqualTo("example.com");
        assertThat(Addresses.unicode("xn--exmple-cua.com")).isEqualTo("exämple.com");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "com", "a..b", "-a.com", "a-.com", "a_b.com", "a b.com", "a/b.com", "a@b.com",
        "ex\u0000ample.com", ".", "..", "a.com/../b"})
    void malformed_domains_are_refused(String raw) {
        assertThatThrownBy(() -> Addresses.domain(raw)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void own_addresses_are_canonical_and_safe_as_maildir_names() {
        assertThat(Addresses.own("Alice.Smith@Example.COM.").toString()).isEqualTo("alice.smith@example.com");
        assertThat(Addresses.own("info@exämple.com").toString()).isEqualTo("info@xn--exmple-cua.com");
    }

    @ParameterizedTest
    @ValueSource(strings = {"admin", "@", "a@b@c.com", "@example.com", "a@", "a+b@example.com", "../x@example.com",
        "a/b@example.com", ".a@example.com", "a..b@example.com", "a b@example.com", "a\n@example.com",
        "\"q\"@example.com"})
    void addresses_hostd_would_create_must_be_plain(String raw) {
        assertThatThrownBy(() -> Addresses.own(raw)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void forwarding_destinations_may_use_details() {
        assertThat(Addresses.any("Bob+news@Example.org").toString()).isEqualTo("bob+news@example.org");
        assertThatThrownBy(() -> Addresses.any("bob@@example.org")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void forwarding_destinations_with_a_quoted_local_part_are_refused_saying_so() {
        assertThatThrownBy(() -> Addresses.any("\"odd, user\"@remote.test")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("quoted local part").hasMessageContaining("not supported");
    }

    @Test
    void a_send_log_address_takes_the_form_postfix_logs() {
        assertThat(Addresses.logged("\"odd, user\"@Remote.Test.").toString()).isEqualTo("\"odd, user\"@remote.test");
        assertThat(Addresses.logged("\"odd\\,\\ user\"@remote.test").toString()).isEqualTo("\"odd, user\"@remote.test");
        assertThat(Addresses.logged("\"Bob\"@example.net").toString()).isEqualTo("bob@example.net");
        assertThat(Addresses.logged("\"a.b\"@example.net").toString()).isEqualTo("a.b@example.net");
        assertThat(Addresses.logged("\"a..b\"@example.net").toString()).isEqualTo("\"a..b\"@example.net");
        assertThat(Addresses.logged("\"a\\\"b\"@example.net").toString()).isEqualTo("\"a\\\"b\"@example.net");
        assertThat(Addresses.logged("\"a\\\\b\"@example.net").toString()).isEqualTo("\"a\\\\b\"@example.net");
        assertThat(Addresses.logged("\"x@y\"@example.net").toString()).isEqualTo("\"x@y\"@example.net");
        assertThat(Addresses.logged("Bob+news@Example.org").toString()).isEqualTo("bob+news@example.org");
        assertThat(Addresses.comparable("<\"Odd, User\"@REMOTE.test>")).isEqualTo("\"odd, user\"@remote.test");
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"odd, user@remote.test", "\"odd\"x@remote.test", "\"\"@remote.test", "\"a\nb\"@remote.test",
        "\"ab\\\"@remote.test", "odd, user@remote.test", "a..b@remote.test", "\"ok\"@", "bob@@example.org"})
    void malformed_send_log_addresses_are_refused(String raw) {
        assertThatThrownBy(() -> Addresses.logged(raw)).isInstanceOf(IllegalArgumentException.class);
    }
}
